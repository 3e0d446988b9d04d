/*
 * swapcheck C runtime: what every generated reproducer does besides its steps. It is pasted
 * into each reproducer (kernel/emit-c.ts), after the reproducer's #defines, so a reproducer is
 * one self-contained C file.
 *
 * A program maps one region of SC_HOLDERS pages; each holder of the trace lives at one page of
 * one process (sc_places). Process 0 runs the steps; it forks children as the steps say (every
 * page but the forked one marked MADV_DONTFORK) and tells them what to do over pipes made
 * before any fork. After every step it waits for writeback to finish, reads what userspace can
 * see (pagemap and mincore of every placed holder, the content of present pages, /proc/swaps,
 * /proc/meminfo, and memory.swap.current when the config has a memcg), prints it on one "@obs"
 * line and compares it with what swapcheck's model expects for this kernel (the step's
 * expectation string, see sc_check()).
 *
 * The program runs in a cgroup v2 cgroup of its own, /sys/fs/cgroup/swapcheck-PID, when it
 * writes memory.reclaim (SC_USES_RECLAIM) or its config has a memcg (SC_MEMCG, with
 * memory.swap.max SC_SWAP_MAX_PAGES pages, -1 for "max"); it joins the cgroup before any page
 * of the region is touched, so every holder's page is charged to it.
 *
 * Output lines (stdout): "@step N <what>", "@obs N ...", "@check N ok" or "@check N FAIL: ...",
 * and at the end "@verdict pass" or "@verdict fail N" (N: the first failing step). A problem
 * with the environment prints "@error <why>" and exits 2. Exit code 0 pass, 1 a step failed.
 *
 * Not covered here: which steps run and what they expect (generated per trace).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif
#ifndef SWAP_FLAG_PREFER
#define SWAP_FLAG_PREFER 0x8000
#endif

/* One swap device of the config: its slots (si->max), bad slots, kernel priority, and
 * whether it must be a synchronous-I/O device (zram). */
struct sc_device {
	int slots;
	int nbad;
	const int *bad;
	int priority;
	int synchronous;
};

/* Where a holder lives: process and page index in the region; process -1: never used. */
struct sc_place {
	int process;
	int page;
};

static const struct sc_device sc_devices[SC_DEVICES > 0 ? SC_DEVICES : 1];
static const struct sc_place sc_places[SC_HOLDERS];

/* What userspace sees of one holder. */
struct sc_seen {
	char kind;		/* 'E' empty, 'P' present, 'S' swapped */
	uint64_t pfn;		/* P */
	uint64_t content;	/* P: the page's first word */
	int rest_zero;		/* P: every other byte is 0 */
	int type;		/* S: swap type */
	uint64_t offset;	/* S: swap offset */
	int cached;		/* S: mincore() says it is in the swap cache */
};

enum sc_command { SC_OBSERVE = 1, SC_WRITE, SC_READ, SC_ZAP, SC_PAGEOUT, SC_FORK, SC_LOCK, SC_UNLOCK, SC_EXIT };

struct sc_request {
	int command;
	int page;
	uint64_t value;
	int process;		/* SC_FORK: the child's process number */
};

struct sc_answer {
	int rc;			/* 0 or an errno */
	pid_t pid;		/* SC_FORK */
	struct sc_seen seen;	/* SC_OBSERVE */
};

static long sc_page_size;
static char *sc_region;
static int sc_me;				/* this process's number */
static pid_t sc_pids[SC_PROCESSES];
static int sc_to[SC_PROCESSES][2];		/* requests to process i */
static int sc_from[SC_PROCESSES][2];		/* answers from process i */
static const char *sc_paths[SC_DEVICES > 0 ? SC_DEVICES : 1];
static int sc_online[SC_DEVICES > 0 ? SC_DEVICES : 1];
static int sc_first_failure = -1;		/* the first failing step, or -1 */
static int sc_last_errno;			/* of the last swapon/swapoff */
static char sc_cgroup[128];
static char sc_saved_page_cluster[32], sc_saved_swappiness[32], sc_saved_zswap[32];
static int sc_ready;

static void sc_cleanup(void);

/* A problem with the machine, not with the kernel's swap semantics: exit 2. */
static void sc_env_error(const char *format, ...)
{
	va_list args;

	printf("@error ");
	va_start(args, format);
	vprintf(format, args);
	va_end(args);
	printf("\n");
	fflush(stdout);
	if (sc_me == 0)
		sc_cleanup();
	_exit(2);
}

static int sc_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

static int sc_write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int saved;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	saved = errno;
	close(fd);
	errno = saved;
	return n < 0 ? -1 : 0;
}

/* A /proc/meminfo field in kB, or -1 when the kernel has none. */
static long sc_meminfo(const char *key)
{
	static char buf[8192];
	char *at;
	size_t len = strlen(key);

	if (sc_read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		sc_env_error("cannot read /proc/meminfo");
	for (at = buf; at; at = strchr(at, '\n')) {
		if (*at == '\n')
			at++;
		if (strncmp(at, key, len) == 0 && at[len] == ':')
			return atol(at + len + 1);
	}
	return -1;
}

/* Waits until no page is under writeback (the steps expect completed I/O). */
static void sc_settle(void)
{
	struct timespec pause = { 0, 1000000 };
	int i;

	for (i = 0; i < 20000; i++) {
		if (sc_meminfo("Writeback") == 0)
			return;
		nanosleep(&pause, NULL);
	}
	sc_env_error("writeback did not finish within 20 s");
}

static char *sc_page_at(int page)
{
	return sc_region + (size_t)page * sc_page_size;
}

/* ---- what one process does for a holder it owns ---- */

/* What pagemap and mincore show of a page of this process, and a present page's content. */
static void sc_seen_local(int page, struct sc_seen *seen)
{
	char *addr = sc_page_at(page);
	uint64_t entry = 0;
	unsigned char vec = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	memset(seen, 0, sizeof(*seen));
	if (fd < 0 || pread(fd, &entry, 8, ((uintptr_t)addr / sc_page_size) * 8) != 8)
		sc_env_error("cannot read /proc/self/pagemap (CONFIG_PROC_PAGE_MONITOR?)");
	close(fd);
	if (entry >> 63 & 1) {
		const uint64_t *words = (const uint64_t *)addr;
		long i;

		seen->kind = 'P';
		seen->pfn = entry & ((1ULL << 55) - 1);
		seen->content = words[0];
		seen->rest_zero = 1;
		for (i = 1; i < sc_page_size / 8; i++)
			if (words[i] != 0)
				seen->rest_zero = 0;
	} else if (entry >> 62 & 1) {
		seen->kind = 'S';
		seen->type = (int)(entry & 31);
		seen->offset = (entry >> 5) & ((1ULL << 50) - 1);
		if (mincore(addr, sc_page_size, &vec) == 0)
			seen->cached = vec & 1;
	} else {
		seen->kind = 'E';
	}
}

/* mlock2() every page this process owns (a locked page is not reclaimed), or munlock() them. */
static int sc_lock_local(int lock)
{
	int holder;

	for (holder = 0; holder < SC_HOLDERS; holder++) {
		char *addr;

		if (sc_places[holder].process != sc_me)
			continue;
		addr = sc_page_at(sc_places[holder].page);
		if (!lock)
			munlock(addr, sc_page_size);
		else if (mlock2(addr, sc_page_size, MLOCK_ONFAULT) != 0)
			return errno;
	}
	return 0;
}

/* Locks everything but the region, so memory.reclaim never takes the program's own memory. */
static void sc_lock_program(void)
{
	int holder;

	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0)
		sc_env_error("mlockall: %s", strerror(errno));
	if (sc_me == 0) {
		munlock(sc_region, (size_t)SC_HOLDERS * sc_page_size);
		return;
	}
	for (holder = 0; holder < SC_HOLDERS; holder++)
		if (sc_places[holder].process == sc_me)
			munlock(sc_page_at(sc_places[holder].page), sc_page_size);
}

static void sc_serve(void);

/* Marks the pages of this process MADV_DONTFORK (or back to MADV_DOFORK): the whole region in
 * process 0, its one page in a child. */
static void sc_dontfork(int dontfork)
{
	int advice = dontfork ? MADV_DONTFORK : MADV_DOFORK;
	int holder;

	if (sc_me == 0) {
		madvise(sc_region, (size_t)SC_HOLDERS * sc_page_size, advice);
		return;
	}
	for (holder = 0; holder < SC_HOLDERS; holder++)
		if (sc_places[holder].process == sc_me)
			madvise(sc_page_at(sc_places[holder].page), sc_page_size, advice);
}

static int sc_do_local(const struct sc_request *request, struct sc_answer *answer)
{
	char *addr = sc_page_at(request->page);

	memset(answer, 0, sizeof(*answer));
	switch (request->command) {
	case SC_OBSERVE:
		sc_seen_local(request->page, &answer->seen);
		return 0;
	case SC_WRITE:
		*(volatile uint64_t *)addr = request->value;
		return 0;
	case SC_READ:
		(void)*(volatile uint64_t *)addr;
		return 0;
	case SC_ZAP:
		return madvise(addr, sc_page_size, MADV_DONTNEED) == 0 ? 0 : errno;
	case SC_PAGEOUT:
		return madvise(addr, sc_page_size, MADV_PAGEOUT) == 0 ? 0 : errno;
	case SC_LOCK:
		return sc_lock_local(1);
	case SC_UNLOCK:
		return sc_lock_local(0);
	case SC_FORK: {
		pid_t pid;

		/* Only the forked page goes to the child: every other page of this process is
		 * MADV_DONTFORK across the fork(), so no other page is shared or write-protected. */
		sc_dontfork(1);
		madvise(addr, sc_page_size, MADV_DOFORK);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			sc_me = request->process;
			if (SC_USES_RECLAIM)
				sc_lock_program();
			sc_serve();
			_exit(0);
		}
		sc_dontfork(0);
		if (pid < 0)
			return errno;
		answer->pid = pid;
		return 0;
	}
	}
	return EINVAL;
}

/* A child's loop: one request in, one answer out, until SC_EXIT. */
static void sc_serve(void)
{
	struct sc_request request;
	struct sc_answer answer;

	for (;;) {
		if (read(sc_to[sc_me][0], &request, sizeof(request)) != sizeof(request))
			_exit(0);
		if (request.command == SC_EXIT) {
			while (wait(NULL) > 0)
				;
			_exit(0);
		}
		answer.rc = sc_do_local(&request, &answer);
		if (write(sc_from[sc_me][1], &answer, sizeof(answer)) != sizeof(answer))
			_exit(1);
	}
}

/* Runs a request in `process` (here, or over its pipe). */
static int sc_do(int process, struct sc_request *request, struct sc_answer *answer)
{
	if (process == 0) {
		answer->rc = sc_do_local(request, answer);
		return answer->rc;
	}
	if (write(sc_to[process][1], request, sizeof(*request)) != sizeof(*request) ||
	    read(sc_from[process][0], answer, sizeof(*answer)) != sizeof(*answer))
		sc_env_error("process %d does not answer", process);
	return answer->rc;
}

static int sc_do_holder(int holder, int command, uint64_t value)
{
	struct sc_request request = { command, sc_places[holder].page, value, 0 };
	struct sc_answer answer;

	return sc_do(sc_places[holder].process, &request, &answer);
}

/* ---- set-up and tear-down ---- */

static void sc_check_device(int device)
{
	const char *path = sc_paths[device];
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int zram = strncmp(name, "zram", 4) == 0;
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISBLK(st.st_mode))
		sc_env_error("device %d: %s is not a block device", device, path);
	if (sc_devices[device].synchronous && !zram)
		sc_env_error("device %d must be a synchronous-I/O device (a zram device), got %s", device, path);
	if (!sc_devices[device].synchronous && zram)
		sc_env_error("device %d must not be a synchronous-I/O device (zram), got %s", device, path);
}

/* Writes a version-1 swap header (what mkswap writes) for `slots` slots and the bad slots. */
static void sc_format(int device)
{
	const struct sc_device *d = &sc_devices[device];
	char *page = calloc(1, sc_page_size);
	uint32_t *info = (uint32_t *)(page + 1024);
	uint64_t bytes = 0;
	int fd, i;

	if (strncmp(sc_paths[device], "/dev/zram", 9) == 0) {
		char path[128], size[32];
		const char *name = sc_paths[device] + 5;

		snprintf(path, sizeof(path), "/sys/block/%s/reset", name);
		sc_write_file(path, "1");
		snprintf(path, sizeof(path), "/sys/block/%s/disksize", name);
		snprintf(size, sizeof(size), "%ld", (long)d->slots * sc_page_size);
		if (sc_write_file(path, size) != 0)
			sc_env_error("cannot set %s to %s: %s", path, size, strerror(errno));
	}
	fd = open(sc_paths[device], O_RDWR);
	if (fd < 0)
		sc_env_error("cannot open %s: %s", sc_paths[device], strerror(errno));
	if (ioctl(fd, BLKGETSIZE64, &bytes) == 0 && bytes < (uint64_t)d->slots * sc_page_size)
		sc_env_error("%s holds %" PRIu64 " bytes, device %d needs %d pages", sc_paths[device], bytes, device, d->slots);
	info[0] = 1;				/* version */
	info[1] = d->slots - 1;			/* last_page */
	info[2] = d->nbad;			/* nr_badpages */
	for (i = 0; i < d->nbad; i++)
		info[3 + 4 + 4 + 117 + i] = d->bad[i];	/* after uuid, volume name, padding */
	memcpy(page + sc_page_size - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, page, sc_page_size, 0) != sc_page_size || fsync(fd) != 0)
		sc_env_error("cannot write the swap header of %s: %s", sc_paths[device], strerror(errno));
	close(fd);
	free(page);
}

static void sc_parameter(const char *path, char *saved, size_t size, const char *value)
{
	if (saved[0] == 0 && sc_read_file(path, saved, size) == 0)
		saved[strcspn(saved, "\n")] = 0;
	if (sc_write_file(path, value) != 0)
		sc_env_error("cannot write %s to %s: %s", value, path, strerror(errno));
}

static void sc_restore(const char *path, const char *saved)
{
	if (saved[0] != 0)
		sc_write_file(path, saved);
}

static void sc_cleanup(void)
{
	struct sc_request request = { SC_EXIT, 0, 0, 0 };
	int i;

	if (!sc_ready)
		return;
	sc_ready = 0;
	for (i = SC_PROCESSES - 1; i > 0; i--)
		if (sc_pids[i] > 0)
			write(sc_to[i][1], &request, sizeof(request));
	while (wait(NULL) > 0)
		;
	for (i = 0; i < SC_DEVICES; i++)
		if (sc_online[i])
			swapoff(sc_paths[i]);
	sc_restore("/proc/sys/vm/page-cluster", sc_saved_page_cluster);
	sc_restore("/proc/sys/vm/swappiness", sc_saved_swappiness);
	sc_restore("/sys/module/zswap/parameters/enabled", sc_saved_zswap);
	if (sc_cgroup[0]) {
		sc_write_file("/sys/fs/cgroup/cgroup.procs", "0");
		rmdir(sc_cgroup);
	}
}

static void sc_on_signal(int signal)
{
	(void)signal;
	sc_env_error("interrupted");
}

static void sc_begin(int argc, char **argv)
{
	static char swaps[4096];
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sc_page_size = sysconf(_SC_PAGESIZE);
	if (argc != SC_DEVICES + 1) {
		fprintf(stderr, "usage: %s", argv[0]);
		for (i = 0; i < SC_DEVICES; i++)
			fprintf(stderr, " DEVICE%d%s", i, sc_devices[i].synchronous ? "(zram)" : "");
		fprintf(stderr, "\n");
		exit(2);
	}
	for (i = 0; i < SC_DEVICES; i++) {
		sc_paths[i] = argv[i + 1];
		sc_check_device(i);
	}
	if (geteuid() != 0)
		sc_env_error("must run as root (swapon, sysfs, pagemap frames)");
	if (sc_read_file("/proc/swaps", swaps, sizeof(swaps)) != 0)
		sc_env_error("cannot read /proc/swaps (CONFIG_SWAP?)");
	if (strchr(swaps, '\n') && strchr(swaps, '\n')[1] != 0)
		sc_env_error("another swap area is active (see /proc/swaps): swapoff it first");
	signal(SIGINT, sc_on_signal);
	signal(SIGTERM, sc_on_signal);
	sc_ready = 1;
	/* One page at a time: no swap readahead (mm/swap_state.c: swapin_readahead()). */
	sc_parameter("/proc/sys/vm/page-cluster", sc_saved_page_cluster, sizeof(sc_saved_page_cluster), "0");
	/* zswap as the program starts it, whatever the machine's default; a program that enables
	 * zswap needs it. */
	{
		char compressor[64];

		if (sc_read_file("/sys/module/zswap/parameters/compressor", compressor, sizeof(compressor)) == 0) {
			compressor[strcspn(compressor, "\n")] = 0;
			/* Writing the compressor creates zswap's pool if boot could not (6.1). */
			if (SC_NEEDS_ZSWAP)
				sc_write_file("/sys/module/zswap/parameters/compressor", compressor);
			sc_parameter("/sys/module/zswap/parameters/enabled", sc_saved_zswap, sizeof(sc_saved_zswap), SC_ZSWAP_AT_START ? "Y" : "N");
		} else if (SC_NEEDS_ZSWAP) {
			sc_env_error("this program needs zswap (CONFIG_ZSWAP)");
		}
	}
	sc_region = mmap(NULL, (size_t)SC_HOLDERS * sc_page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sc_region == MAP_FAILED)
		sc_env_error("mmap: %s", strerror(errno));
	madvise(sc_region, (size_t)SC_HOLDERS * sc_page_size, MADV_NOHUGEPAGE);
	for (i = 0; i < SC_PROCESSES; i++)
		if (pipe(sc_to[i]) != 0 || pipe(sc_from[i]) != 0)
			sc_env_error("pipe: %s", strerror(errno));
	if (SC_USES_RECLAIM || SC_MEMCG) {
		char pid[32], path[160];

		if (access("/sys/fs/cgroup/cgroup.subtree_control", W_OK) != 0)
			sc_env_error("%s needs cgroup v2 at /sys/fs/cgroup", SC_MEMCG ? "memory.swap.max" : "memory.reclaim");
		sc_write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
		snprintf(sc_cgroup, sizeof(sc_cgroup), "/sys/fs/cgroup/swapcheck-%d", (int)getpid());
		if (mkdir(sc_cgroup, 0755) != 0)
			sc_env_error("mkdir %s: %s", sc_cgroup, strerror(errno));
		if (SC_MEMCG) {
			char max[32];

			snprintf(path, sizeof(path), "%s/memory.swap.max", sc_cgroup);
			if (SC_SWAP_MAX_PAGES < 0)
				snprintf(max, sizeof(max), "max");
			else
				snprintf(max, sizeof(max), "%ld", (long)SC_SWAP_MAX_PAGES * sc_page_size);
			if (sc_write_file(path, max) != 0)
				sc_env_error("cannot write %s to %s (swap accounting off?): %s", max, path, strerror(errno));
		}
		if (SC_USES_RECLAIM) {
			snprintf(path, sizeof(path), "%s/memory.reclaim", sc_cgroup);
			if (access(path, W_OK) != 0)
				sc_env_error("%s is missing (memory.reclaim needs Linux 5.19)", path);
			/* Reclaim takes anonymous pages only (mm/vmscan.c: get_scan_count()). */
			sc_parameter("/proc/sys/vm/swappiness", sc_saved_swappiness, sizeof(sc_saved_swappiness), "200");
			sc_lock_program();
		}
		snprintf(path, sizeof(path), "%s/cgroup.procs", sc_cgroup);
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		if (sc_write_file(path, pid) != 0)
			sc_env_error("cannot join %s: %s", sc_cgroup, strerror(errno));
	}
}

static int sc_end(void)
{
	sc_cleanup();
	if (sc_first_failure >= 0) {
		printf("@verdict fail %d\n", sc_first_failure);
		return 1;
	}
	printf("@verdict pass\n");
	return 0;
}

/* ---- the actions ---- */

static void sc_step(int step, const char *what)
{
	printf("@step %d %s\n", step, what);
}

static void sc_swapon(int device, int expected)
{
	if (expected == 0)
		sc_format(device);
	sc_last_errno = swapon(sc_paths[device], SWAP_FLAG_PREFER | sc_devices[device].priority) == 0 ? 0 : errno;
	if (sc_last_errno == 0)
		sc_online[device] = 1;
}

static void sc_swapoff(int device)
{
	sc_last_errno = swapoff(sc_paths[device]) == 0 ? 0 : errno;
	if (sc_last_errno == 0)
		sc_online[device] = 0;
}

static void sc_holder_action(int holder, int command, uint64_t value, const char *what)
{
	int rc = sc_do_holder(holder, command, value);

	if (rc != 0)
		sc_env_error("%s of holder %d: %s", what, holder, strerror(rc));
}

static void sc_fault(int holder)
{
	sc_holder_action(holder, SC_WRITE, 0, "store");
}

static void sc_write(int holder, uint64_t value)
{
	sc_holder_action(holder, SC_WRITE, value, "store");
}

static void sc_read(int holder)
{
	sc_holder_action(holder, SC_READ, 0, "load");
}

/* A store (no load first: SC_WRITE is one volatile store) to a swapped-out page of the content
 * it holds, so do_swap_page() runs for a write fault and the content stays as it was. */
static void sc_write_fault(int holder, uint64_t content)
{
	sc_holder_action(holder, SC_WRITE, content, "store (write fault)");
}

static void sc_zap(int holder)
{
	sc_holder_action(holder, SC_ZAP, 0, "MADV_DONTNEED");
}

static void sc_pageout(int holder)
{
	sc_holder_action(holder, SC_PAGEOUT, 0, "MADV_PAGEOUT (Linux 5.4)");
}

static void sc_fork(int holder, int target)
{
	struct sc_request request = { SC_FORK, sc_places[holder].page, 0, sc_places[target].process };
	struct sc_answer answer;

	if (sc_do(sc_places[holder].process, &request, &answer) != 0)
		sc_env_error("fork: %s", strerror(answer.rc));
	sc_pids[sc_places[target].process] = answer.pid;
}

static void sc_zswap(int enabled)
{
	if (sc_write_file("/sys/module/zswap/parameters/enabled", enabled ? "Y" : "N") != 0)
		sc_env_error("cannot switch zswap: %s", strerror(errno));
}

static void sc_reclaim_once(void)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/memory.reclaim", sc_cgroup);
	/* Asks for more than there is: EAGAIN once reclaim stops making progress. */
	if (sc_write_file(path, "67108864") != 0 && errno != EAGAIN)
		sc_env_error("memory.reclaim: %s", strerror(errno));
	sc_settle();
}

/* memory.reclaim with every mapped page of every process locked: evicts the clean, unmapped
 * swap-cache pages, which nothing can lock. */
static void sc_reclaim(void)
{
	struct sc_request request = { SC_LOCK, 0, 0, 0 };
	struct sc_answer answer;
	int process;

	for (process = 0; process < SC_PROCESSES; process++)
		if (process == 0 || sc_pids[process] > 0)
			if (sc_do(process, &request, &answer) != 0)
				sc_env_error("mlock2: %s", strerror(answer.rc));
	sc_reclaim_once();
	request.command = SC_UNLOCK;
	for (process = 0; process < SC_PROCESSES; process++)
		if (process == 0 || sc_pids[process] > 0)
			sc_do(process, &request, &answer);
}

/* ---- observation and comparison ---- */

struct sc_global {
	long total, free, cached, zswap;	/* pages; zswap -1: not shown */
	long swap_current;			/* memory.swap.current in pages; -1: no memcg */
	long used[SC_DEVICES > 0 ? SC_DEVICES : 1];	/* -1: not in /proc/swaps */
	long size[SC_DEVICES > 0 ? SC_DEVICES : 1];
};

static void sc_global(struct sc_global *g)
{
	static char swaps[4096];
	long pages_per_kb = sc_page_size / 1024;
	char *line;
	int i;

	g->total = sc_meminfo("SwapTotal") / pages_per_kb;
	g->free = sc_meminfo("SwapFree") / pages_per_kb;
	g->cached = sc_meminfo("SwapCached") / pages_per_kb;
	g->zswap = sc_meminfo("Zswapped");
	if (g->zswap < 0) {
		char stored[32];

		g->zswap = sc_read_file("/sys/kernel/debug/zswap/stored_pages", stored, sizeof(stored)) == 0 ? atol(stored) : -1;
	} else {
		g->zswap /= pages_per_kb;
	}
	g->swap_current = -1;
	if (SC_MEMCG) {
		char path[160], value[32];

		snprintf(path, sizeof(path), "%s/memory.swap.current", sc_cgroup);
		if (sc_read_file(path, value, sizeof(value)) != 0)
			sc_env_error("cannot read %s", path);
		g->swap_current = atol(value) / sc_page_size;
	}
	for (i = 0; i < SC_DEVICES; i++)
		g->used[i] = g->size[i] = -1;
	if (sc_read_file("/proc/swaps", swaps, sizeof(swaps)) != 0)
		sc_env_error("cannot read /proc/swaps");
	line = strchr(swaps, '\n');
	while (line && line[1]) {
		char name[256], type[32];
		long size, used;
		int priority;

		line++;
		if (sscanf(line, "%255s %31s %ld %ld %d", name, type, &size, &used, &priority) == 5)
			for (i = 0; i < SC_DEVICES; i++)
				if (strcmp(name, sc_paths[i]) == 0) {
					g->used[i] = used / pages_per_kb;
					g->size[i] = size / pages_per_kb;
				}
		line = strchr(line, '\n');
	}
}

static const char *sc_errno_name(int e)
{
	switch (e) {
	case 0: return "OK";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case ENOSPC: return "ENOSPC";
	case ENOMEM: return "ENOMEM";
	case EEXIST: return "EEXIST";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	}
	return "E?";
}

#define SC_FAIL_MAX 1024
static char sc_fail_text[SC_FAIL_MAX];

static void sc_fail(const char *format, ...)
{
	size_t used = strlen(sc_fail_text);
	va_list args;

	if (used + 4 >= SC_FAIL_MAX)
		return;
	if (used)
		strcat(sc_fail_text, "; ");
	va_start(args, format);
	vsnprintf(sc_fail_text + strlen(sc_fail_text), SC_FAIL_MAX - strlen(sc_fail_text), format, args);
	va_end(args);
}

/* The expected state of one holder, parsed from "hN=E", "hN=P<key>/<content>" or
 * "hN=S<key>@<device><+|->". */
struct sc_expected {
	int holder;
	char kind;
	char key[32];
	uint64_t content;
	int device;
	int cached;
};

/*
 * Prints what userspace sees and compares it with `expect`, a space-separated list of:
 * hN=... (each placed holder), types=D,D,- (the config device of each swap type), devD=U/S
 * or devD=off, total=N, free=N, cached=N, zswap=N or zswap=? (pages), memcg0=N (the cgroup's
 * memory.swap.current in pages, with SC_MEMCG), errno=NAME (after a swapon or swapoff). Holders that share a page must show one page frame; holders that share
 * an entry one swap type and offset; and the other way round.
 */
static void sc_check(int step, const char *expect)
{
	static struct sc_expected want[SC_HOLDERS];
	static struct sc_seen seen[SC_HOLDERS];
	static char copy[65536];
	int types[64], ntypes = 0, nwant = 0, i, j;
	long total = -2, free_pages = -2, cached = -2, zswap = -2, swap_current = -2;
	long dev_used[SC_DEVICES > 0 ? SC_DEVICES : 1], dev_size[SC_DEVICES > 0 ? SC_DEVICES : 1];
	const char *want_errno = NULL;
	struct sc_global g;
	char *token, *save;

	sc_settle();
	sc_fail_text[0] = 0;
	for (i = 0; i < SC_DEVICES; i++)
		dev_used[i] = dev_size[i] = -1;
	snprintf(copy, sizeof(copy), "%s", expect);
	for (token = strtok_r(copy, " ", &save); token; token = strtok_r(NULL, " ", &save)) {
		if (token[0] == 'h') {
			struct sc_expected *w = &want[nwant++];
			char *value = strchr(token, '=') + 1;

			memset(w, 0, sizeof(*w));
			w->holder = atoi(token + 1);
			w->kind = value[0];
			if (w->kind == 'P') {
				char *slash = strchr(value, '/');

				snprintf(w->key, sizeof(w->key), "%.*s", (int)(slash - value - 1), value + 1);
				w->content = strtoull(slash + 1, NULL, 10);
			} else if (w->kind == 'S') {
				char *at = strchr(value, '@');
				size_t len = strlen(at);

				snprintf(w->key, sizeof(w->key), "%.*s", (int)(at - value - 1), value + 1);
				w->device = atoi(at + 1);
				w->cached = at[len - 1] == '+';
			}
		} else if (strncmp(token, "types=", 6) == 0) {
			char *part, *save2;

			for (part = strtok_r(token + 6, ",", &save2); part && ntypes < 64; part = strtok_r(NULL, ",", &save2))
				types[ntypes++] = part[0] == '-' ? -1 : atoi(part);
		} else if (strncmp(token, "dev", 3) == 0) {
			int device = atoi(token + 3);
			char *value = strchr(token, '=') + 1;

			if (device < SC_DEVICES && strcmp(value, "off") != 0) {
				dev_used[device] = atol(value);
				dev_size[device] = atol(strchr(value, '/') + 1);
			}
		} else if (strncmp(token, "total=", 6) == 0) {
			total = atol(token + 6);
		} else if (strncmp(token, "free=", 5) == 0) {
			free_pages = atol(token + 5);
		} else if (strncmp(token, "cached=", 7) == 0) {
			cached = atol(token + 7);
		} else if (strncmp(token, "zswap=", 6) == 0) {
			zswap = token[6] == '?' ? -2 : atol(token + 6);
		} else if (strncmp(token, "memcg0=", 7) == 0) {
			swap_current = atol(token + 7);
		} else if (strncmp(token, "errno=", 6) == 0) {
			want_errno = token + 6;
		}
	}

	printf("@obs %d", step);
	for (i = 0; i < nwant; i++) {
		struct sc_request request = { SC_OBSERVE, sc_places[want[i].holder].page, 0, 0 };
		struct sc_answer answer;

		sc_do(sc_places[want[i].holder].process, &request, &answer);
		seen[i] = answer.seen;
		if (seen[i].kind == 'P')
			printf(" h%d=P%" PRIu64 ":%" PRIu64 ":%d", want[i].holder, seen[i].pfn, seen[i].content, seen[i].rest_zero);
		else if (seen[i].kind == 'S')
			printf(" h%d=S%d:%" PRIu64 ":%d", want[i].holder, seen[i].type, seen[i].offset, seen[i].cached);
		else
			printf(" h%d=E", want[i].holder);
	}
	sc_global(&g);
	for (i = 0; i < SC_DEVICES; i++) {
		if (g.used[i] < 0)
			printf(" dev%d=off", i);
		else
			printf(" dev%d=%ld/%ld", i, g.used[i], g.size[i]);
	}
	printf(" total=%ld free=%ld cached=%ld zswap=%ld", g.total, g.free, g.cached, g.zswap);
	if (g.swap_current >= 0)
		printf(" memcg0=%ld", g.swap_current);
	if (want_errno)
		printf(" errno=%s", sc_errno_name(sc_last_errno));
	printf("\n");

	for (i = 0; i < nwant; i++) {
		const struct sc_expected *w = &want[i];
		const struct sc_seen *s = &seen[i];

		if (w->kind != s->kind) {
			sc_fail("holder %d: expected %s, the kernel shows %s", w->holder,
				w->kind == 'P' ? "present" : w->kind == 'S' ? "swapped out" : "empty",
				s->kind == 'P' ? "present" : s->kind == 'S' ? "swapped out" : "empty");
			continue;
		}
		if (w->kind == 'P' && (s->content != w->content || !s->rest_zero))
			sc_fail("holder %d: content %" PRIu64 "%s, expected %" PRIu64, w->holder, s->content, s->rest_zero ? "" : " (with other bytes set)", w->content);
		if (w->kind == 'S') {
			int device = s->type < ntypes ? types[s->type] : -1;

			if (device != w->device)
				sc_fail("holder %d: swapped to swap type %d (device %d), expected device %d", w->holder, s->type, device, w->device);
			if (s->cached != w->cached)
				sc_fail("holder %d: %sin the swap cache, expected %sin it", w->holder, s->cached ? "" : "not ", w->cached ? "" : "not ");
		}
		for (j = 0; j < i; j++) {
			const struct sc_expected *v = &want[j];
			const struct sc_seen *t = &seen[j];
			int same_key, same_seen;

			if (v->kind != w->kind || w->kind == 'E' || s->kind != w->kind || t->kind != v->kind)
				continue;
			same_key = strcmp(v->key, w->key) == 0;
			same_seen = w->kind == 'P' ? s->pfn == t->pfn : (s->type == t->type && s->offset == t->offset);
			if (same_key != same_seen)
				sc_fail("holders %d and %d: %s, expected %s", v->holder, w->holder,
					same_seen ? (w->kind == 'P' ? "map one page" : "hold one swap entry") : (w->kind == 'P' ? "map different pages" : "hold different swap entries"),
					same_key ? "the same" : "different ones");
		}
	}
	for (i = 0; i < SC_DEVICES; i++) {
		if ((dev_used[i] < 0) != (g.used[i] < 0))
			sc_fail("device %d (%s): %s, expected %s", i, sc_paths[i], g.used[i] < 0 ? "not in /proc/swaps" : "in /proc/swaps", dev_used[i] < 0 ? "off" : "on");
		else if (dev_used[i] >= 0 && (dev_used[i] != g.used[i] || dev_size[i] != g.size[i]))
			sc_fail("device %d (%s): %ld of %ld pages used, expected %ld of %ld", i, sc_paths[i], g.used[i], g.size[i], dev_used[i], dev_size[i]);
	}
	if (total != -2 && total != g.total)
		sc_fail("SwapTotal: %ld pages, expected %ld", g.total, total);
	if (free_pages != -2 && free_pages != g.free)
		sc_fail("SwapFree: %ld pages, expected %ld", g.free, free_pages);
	if (cached != -2 && cached != g.cached)
		sc_fail("SwapCached: %ld pages, expected %ld", g.cached, cached);
	if (zswap != -2 && g.zswap >= 0 && zswap != g.zswap)
		sc_fail("zswap stored: %ld pages, expected %ld", g.zswap, zswap);
	if (swap_current != -2 && swap_current != g.swap_current)
		sc_fail("memory.swap.current: %ld pages, expected %ld", g.swap_current, swap_current);
	if (want_errno && strcmp(want_errno, sc_errno_name(sc_last_errno)) != 0)
		sc_fail("the syscall returned %s, expected %s", sc_errno_name(sc_last_errno), want_errno);
	if (sc_fail_text[0]) {
		printf("@check %d FAIL: %s\n", step, sc_fail_text);
		if (sc_first_failure < 0)
			sc_first_failure = step;
	} else {
		printf("@check %d ok\n", step);
	}
}
