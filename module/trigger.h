/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BBLOG_TRIGGER_H
#define _BBLOG_TRIGGER_H

#include "policy.h"

struct sock;

void bblog_trigger(const struct sock *sk, enum bblog_trigger t);

#endif /* _BBLOG_TRIGGER_H */
