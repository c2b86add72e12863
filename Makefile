# kanalvakt - one Makefile (STYLE-ANCHORS §4.11).
#
#   make            build ./kanalvakt (-Werror)
#   make run        build, migrate, load the demo on first start, serve on
#                   http://127.0.0.1:8080/ with SQLite under ./var/
#   make check      every test: lint, unit, HTTP black-box and browser tests
#                   on SQLite and PostgreSQL, then unit + HTTP under ASan/UBSan
#   make deps       install the Debian packages needed to build and test
#   make asan       build build-asan/kanalvakt with ASan + UBSan
#   make fuzz       build and briefly run the libFuzzer targets (clang)
#   make bench      build and run the benchmarks under bench/ (figures only)

CC      ?= cc
# libcurl: SMTP mail (src/jobs/mailer.c) and the connectors (src/connect);
# libxml2: feeds; libarchive: platform data exports (.zip, .tar.gz);
# libpcre2-8: triage rules (src/text/triage_rules.c)
# zlib: .warc.gz exports (src/archive/warc.c)
PKGS    := libmicrohttpd jansson sqlite3 libpq libsodium libcurl libxml-2.0 libarchive libpcre2-8 zlib
BUILD   ?= release
PORT    ?= 8080

ifeq ($(BUILD),asan)
O       := build-asan
OPT     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined
else
O       := build
OPT     := -O2 -g -D_FORTIFY_SOURCE=2
endif

WARN    := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wmissing-declarations -Wpointer-arith \
           -Wcast-qual -Wvla -fno-common
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(OPT) \
              -fstack-protector-strong $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS := $(OPT) $(LDFLAGS)
LDLIBS  := $(PKG_LIBS) -lstemmer -lunistring -lpthread -lm

SRC     := $(sort $(wildcard src/*/*.c))
OBJ     := $(SRC:%.c=$(O)/%.o) $(O)/gen/embed.o
MAIN    := $(O)/src/main.o
EMBED   := $(sort $(wildcard sql/sqlite/*.sql sql/pg/*.sql assets/* po/*.po \
                           data/triage/*.tsv))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(O)/bench/%)

.DEFAULT_GOAL := all

.PHONY: all run deps need-deps need-test-deps check asan check-asan unit lint \
        fuzz clean routes bench

# Installs the Debian packages when a build or test needs one that is
# missing (tools/deps.sh uses sudo when not root), so the two README
# commands work on a fresh Debian 12 machine.
need-deps:
	@{ pkg-config --exists $(PKGS) && [ -f /usr/include/unicase.h ] && \
	   [ -f /usr/include/libstemmer.h ]; } \
	   2>/dev/null || sh tools/deps.sh --build

need-test-deps: need-deps
	@{ command -v tidy && command -v chromium && command -v msgfmt && \
	   command -v clang && ls /usr/lib/postgresql/*/bin/initdb && \
	   /usr/bin/python3 -c 'import aiosmtpd, yaml'; } \
	   >/dev/null 2>&1 || sh tools/deps.sh
	@[ -d tests/browser/node_modules/playwright-core ] || \
	   (cd tests/browser && npm install --no-audit --no-fund)

all: kanalvakt

ifeq ($(BUILD),asan)
$(O)/kanalvakt: $(OBJ) $(MAIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)
else
kanalvakt: $(O)/kanalvakt
	cp $< $@.tmp && mv -f $@.tmp $@
$(O)/kanalvakt: $(OBJ) $(MAIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)
endif

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

$(O)/gen/embed.c: $(O)/tools/embed $(EMBED) Makefile
	@mkdir -p $(dir $@)
	$(O)/tools/embed $@ $(EMBED)

$(O)/gen/embed.o: $(O)/gen/embed.c
	$(CC) -std=c11 $(OPT) -c -o $@ $<

# test binaries only: no .d files beside them (the runner runs test_*)
$(O)/tests/%: tests/unit/%.c tests/unit/t.h $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -o $@ $< $(OBJ) $(LDLIBS)

unit: $(UNIT_BIN)

$(O)/bench/%: bench/%.c $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -o $@ $< $(OBJ) $(LDLIBS)

# figures, not pass/fail: each benchmark prints what it measured
bench: $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

run: need-deps
	@$(MAKE) --no-print-directory kanalvakt
	@mkdir -p var
	./kanalvakt --db sqlite:var/kanalvakt.db migrate
	@./kanalvakt --db sqlite:var/kanalvakt.db demo --if-empty > var/.demo.tmp; \
	  if [ -s var/.demo.tmp ]; then umask 077; mv var/.demo.tmp var/demo-login.txt; \
	  else rm -f var/.demo.tmp; fi; \
	  [ -f var/demo-login.txt ] && cat var/demo-login.txt || true
	@echo "kanalvakt: open http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	./kanalvakt --db sqlite:var/kanalvakt.db serve --listen 127.0.0.1:$(PORT)

deps:
	sh tools/deps.sh

check: need-test-deps
	@$(MAKE) --no-print-directory all unit
	sh tests/run.sh

asan:
	$(MAKE) BUILD=asan build-asan/kanalvakt

check-asan: need-test-deps
	$(MAKE) BUILD=asan build-asan/kanalvakt unit
	KV_BUILD=build-asan sh tests/run.sh --asan

lint:
	sh tools/lint.sh

routes: kanalvakt
	./kanalvakt routes

fuzz:
	sh fuzz/run.sh

clean:
	rm -rf build build-asan build-fuzz kanalvakt

-include $(OBJ:.o=.d) $(MAIN:.o=.d)
