# SPDX-License-Identifier: GPL-2.0
#
# Human targets for tcp_bblog.  The module's objects and flags are in Kbuild.
#
#   make                  build tcp_bblog.ko and bblog
#   make install          install both (DESTDIR, PREFIX, KERNELDIR honoured)
#   make deb              Debian packages tcp-bblog-dkms and bblog, in build/deb/
#                         (DEBDIR honoured; needs debhelper and dh-dkms)
#   make check            the whole test suite (installs its Debian packages)
#   make check-harness    prove the test harness catches each failure kind
#   make demo             boot the stock kernel in QEMU and show the module
#   make bench            bench-record, then the logging overhead in the VM
#                         vs tcpdump, instruction-counted (repeatable);
#                         BENCH_MODE=wall for the host clock
#   make bench-record     bblog record converting a synthetic stream of
#                         10000 connections on the host (bench/record.sh)
#   make fuzz-kernel      the socket-option fuzzer alone in the debug kernel's
#                         VM (KASAN, lockdep): FUZZ_SECONDS=300 FUZZ_SEED=5454
#   make style / sparse / uapi-check   static checks

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf)

# The kernel to build against: the running one's build tree, or else the
# newest installed linux-headers tree.
KERNELDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /lib/modules/*/build 2>/dev/null | sort -rV))
# The release the tree was built for (Debian's headers say 6.1.0-NN-amd64
# here, not in include/config/kernel.release).
KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KERNELDIR)/include/generated/utsrelease.h 2>/dev/null)

PREFIX ?= /usr/local
DESTDIR ?=
export PREFIX DESTDIR

all: module userspace

module:
	@test -n "$(KERNELDIR)" || { echo "no kernel build tree: apt-get install linux-headers-amd64, or set KERNELDIR" >&2; exit 1; }
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

install: module userspace
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR) KERNELRELEASE=$(KVER) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra modules_install
	depmod -b "$(or $(DESTDIR),/)" -a $(KVER)
	$(MAKE) -C userspace install

# The packages are built from a copy of the files git knows (tracked, and
# new ones not ignored), so no build output of this tree gets in and the
# packages land in DEBDIR, not in this tree's parent.
DEBDIR ?= $(CURDIR)/build/deb
DEB_BUILD_FLAGS ?= -us -uc
deb:
	rm -rf $(DEBDIR)
	mkdir -p $(DEBDIR)/tcp-bblog-$(VERSION)
	git -C $(CURDIR) ls-files -co --exclude-standard -z > $(DEBDIR)/files
	tar -C $(CURDIR) -c --null -T $(DEBDIR)/files --ignore-failed-read | \
		tar -C $(DEBDIR)/tcp-bblog-$(VERSION) -x
	cd $(DEBDIR)/tcp-bblog-$(VERSION) && dpkg-buildpackage $(DEB_BUILD_FLAGS)
	@ls -1 $(DEBDIR)/*.deb

clean:
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	rm -rf tests/build build/deb

check:
	bash tests/check.sh

check-harness:
	bash tests/harness/run.sh | awk -f tests/tap-summary.awk

demo:
	bash tests/demo.sh

bench: bench-record
	bash bench/run.sh

bench-record:
	bash bench/record.sh

# The test fuzzes FUZZ_SECONDS, then half as long while the module comes
# and goes; the VM may run twice that plus 20 minutes (boot, setup, leaks).
FUZZ_SECONDS ?= 300
FUZZ_SEED ?= 5454
fuzz-kernel:
	BBLOG_DEBUG_TIMEOUT=$$(( 2 * $(FUZZ_SECONDS) + 1200 )) \
	BBLOG_GUEST_ARGS="bblog.only=54-* bblog.kunit=0 bblog.fuzz_seconds=$(FUZZ_SECONDS) bblog.fuzz_seed=$(FUZZ_SEED)" \
		bash tests/vm-stage.sh debug | awk -f tests/tap-summary.awk

style:
	bash tests/style.sh

sparse:
	bash tests/sparse.sh "$(KERNELDIR)"

uapi-check:
	$(CC) -std=c90 -Wall -Wextra -pedantic -Werror -Iuapi -fsyntax-only -x c uapi/linux/tcp_bblog.h

version:
	@echo $(VERSION)

.PHONY: all module userspace install deb clean check check-harness demo bench bench-record fuzz-kernel style sparse \
	uapi-check version
