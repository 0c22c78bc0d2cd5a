/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte helpers for the pcapng writer and reader: explicit little-endian
 * stores/loads (record bytes, Netflix option values) and host-order stores
 * (pcapng block fields, which follow the section byte order = host order).
 */
#ifndef BBLOG_BYTES_H
#define BBLOG_BYTES_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* one store each: the writer fills hundreds per record */
static inline void put_le16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void put_le32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put_le64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
#else
static inline void put_le16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static inline void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline void put_le64(unsigned char *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}
#endif

static inline uint16_t get_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p) | ((uint64_t)get_le32(p + 4) << 32);
}

static inline uint16_t get_be16(const unsigned char *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void put_be16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* Host (section) byte order. */
static inline void put_h16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void put_h32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put_h64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

#endif /* BBLOG_BYTES_H */
