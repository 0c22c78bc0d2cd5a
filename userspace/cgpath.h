/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paths of cgroup v2 ids.  A cgroup's id (what the kernel reports, e.g.
 * bblog_dump.cgroup) is the inode number of its directory in the cgroup2
 * file system, so a path is found by walking the mounted hierarchy.  What a
 * walk finds is cached; an id not found rescans at most once a second (a
 * cgroup created since), so a stream of unknown ids costs little.
 */
#ifndef BBLOG_CGPATH_H
#define BBLOG_CGPATH_H

#include <stdint.h>

/*
 * The path of cgroup @id relative to the cgroup2 root ("/" for the root,
 * "/system.slice/nginx.service"), or NULL: id 0, no cgroup2 mount, or
 * not found (a cgroup removed since, or one outside this mount namespace's
 * view).  Valid until the next call.
 */
const char *bblog_cgroup_path(uint64_t id);

/*
 * The same below @root instead of the cgroup2 mount found in
 * /proc/self/mountinfo (NULL: that one again); for tests.
 */
void bblog_cgroup_root(const char *root);

/* The first cgroup2 mount point in /proc/self/mountinfo, or NULL. */
const char *bblog_cgroup2_mount(void);

#endif /* BBLOG_CGPATH_H */
