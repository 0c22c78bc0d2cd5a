/* SPDX-License-Identifier: GPL-2.0 */
/* bbtest: end-to-end test driver of tcp_bblog (runs in the test VM). */
#ifndef BBTEST_H
#define BBTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp_bblog.h>

#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif

/* util.c */
extern const char *prog;
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_mode(const char *s, int *mode);
const char *mode_name(int mode);
const char *ev_name(unsigned int ev);
const char *rst_reason_name(unsigned int code, char *buf, size_t len);
const char *drop_reason_name(unsigned int code, char *buf, size_t len);
const char *tcp_state_name(unsigned int st);
unsigned long long parse_u64(const char *s, const char *what);
void set_timeout(unsigned int secs);
int set_str_opt(int fd, int opt, const char *s);
/* tcpinfo.c */
int tcpinfo_print(int fd, unsigned int n, unsigned long long cookie,
		  unsigned int timeout_ms);
int set_int_opt(int fd, int opt, int v);
uint64_t sock_cookie(int fd);
unsigned int sock_lport(int fd);
unsigned int sock_fport(int fd);
int make_addr(int v6, const char *addr, unsigned int port, struct sockaddr_storage *ss,
	      socklen_t *len);
void put_escaped(FILE *f, const char *s, size_t max);
void put_json_str(FILE *f, const char *s, size_t max);
void tcpflags_str(uint8_t fl, char *out);
void addr_str(int family, const uint8_t *a, char *out, size_t len);
int write_all(int fd, const void *buf, size_t len);
ssize_t read_file(const char *path, uint8_t **buf);
int sysctl_write(const char *name, const char *val);
int sysctl_read(const char *name, char *buf, size_t len);

/* Big-endian fields, Internet checksums, a TCP packet's IP header. */
uint16_t be16(const uint8_t *p);
uint32_t be32(const uint8_t *p);
void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len);
uint16_t csum_fold(uint32_t sum);
size_t put_ip_header(uint8_t *ip, int v6, const uint8_t *src, const uint8_t *dst,
		     size_t l4len);

void loop_up(void);
void loop_pair(int family, int mode, const char *id, int *cfd, int *sfd);
void loop_xfer(int cfd, int sfd, size_t bytes);

/* Commands. */
int cmd_server(int argc, char **argv);
int cmd_client(int argc, char **argv);
int cmd_sockopt_errors(int argc, char **argv);
int cmd_devread(int argc, char **argv);
int cmd_devcheck(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_wirecmp(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_sysctl(int argc, char **argv);
int cmd_badcsum(int argc, char **argv);
int cmd_crr(int argc, char **argv);
int cmd_sofuzz(int argc, char **argv);
int cmd_genl_refuse(int argc, char **argv);

/* stream.c: a validated view of a raw device stream. */
struct dump_view {
	const struct bblog_dump *d;
	const uint8_t *recs;		/* nrecords * record_size bytes */
	size_t off;			/* offset in the stream */
};

struct stream {
	uint8_t *buf;
	size_t len;
	struct dump_view *dumps;
	size_t ndumps;
	size_t nskipped;		/* messages of unknown type */
	size_t nlost;			/* BBLOG_MSG_LOST messages */
	uint64_t lost_dumps, lost_records;	/* their totals */
};

/* Load and validate FILE; prints "error: ..." and returns -1 on damage. */
int stream_load(const char *path, struct stream *s, int quiet);
void stream_free(struct stream *s);
static inline const struct bblog_record *dump_rec(const struct dump_view *v, uint32_t i)
{
	return (const struct bblog_record *)(v->recs + (size_t)i * v->d->record_size);
}

#endif
