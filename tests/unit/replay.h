/*
 * replay.h - starts tests/lib/replay.py (a local HTTP server replaying the
 * recorded platform responses in ../shared/fixtures) for a connector test,
 * and reads back what it was asked.  Header-only; include after t.h.
 *
 *   struct replay rp;
 *   if (!replay_start(&rp, "{\"routes\":[…]}")) return;
 *   ... point the connector at rp.base ...
 *   T_EQ_INT(replay_unmatched(&rp), 0);
 *   replay_stop(&rp);
 *
 * The scenario is the JSON of tests/lib/replay.py's docstring; it is
 * written to a file in a private temporary directory, which replay_stop()
 * removes.  Fixtures are found via $KV_FIXTURES or ../shared/fixtures
 * beside the repository; tests run from the repository root.
 */
#ifndef KV_REPLAY_H
#define KV_REPLAY_H

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct replay {
	pid_t pid;
	char dir[256];
	char base[64]; /* "http://127.0.0.1:PORT" */
	char log[300];
};

/* 1 when the server is up (rp->base set), 0 with a failed check. */
static inline int
replay_start(struct replay *rp, const char *scenario)
{
	char scn[300], portf[300];
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	memset(rp, 0, sizeof(*rp));
	snprintf(rp->dir, sizeof(rp->dir), "%s/kvreplay.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!T_ASSERT(mkdtemp(rp->dir) != NULL))
		return 0;
	snprintf(scn, sizeof(scn), "%s/scenario.json", rp->dir);
	snprintf(portf, sizeof(portf), "%s/port", rp->dir);
	snprintf(rp->log, sizeof(rp->log), "%s/requests.log", rp->dir);
	f = fopen(scn, "w");
	if (!T_ASSERT(f != NULL))
		return 0;
	fputs(scenario, f);
	fclose(f);
	rp->pid = fork();
	if (rp->pid == 0) {
		execl("/usr/bin/python3", "python3", "tests/lib/replay.py",
		      "--port-file", portf, "--log", rp->log, scn,
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) { /* up to 10 s */
		struct timespec ts = {0, 50 * 1000 * 1000};
		int port = 0, st;
		f = fopen(portf, "r");
		if (f) {
			if (fscanf(f, "%d", &port) == 1 && port > 0) {
				fclose(f);
				snprintf(rp->base, sizeof(rp->base),
				         "http://127.0.0.1:%d", port);
				return 1;
			}
			fclose(f);
		}
		if (waitpid(rp->pid, &st, WNOHANG) == rp->pid) {
			rp->pid = 0;
			break;
		}
		nanosleep(&ts, NULL);
	}
	T_ASSERT(!"replay server did not start (see scenario)");
	return 0;
}

/* The requests received so far, as a JSON array (caller decrefs). */
static inline json_t *
replay_requests(const struct replay *rp)
{
	json_t *arr = json_array();
	char line[16384];
	FILE *f = fopen(rp->log, "r");
	while (f && fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		if (j)
			json_array_append_new(arr, j);
	}
	if (f)
		fclose(f);
	return arr;
}

/* Requests received with method and path (path NULL: any). */
static inline int
replay_count(const struct replay *rp, const char *method, const char *path)
{
	json_t *a = replay_requests(rp), *r;
	size_t i;
	int n = 0;
	json_array_foreach(a, i, r)
	{
		const char *m = json_string_value(json_object_get(r, "method"));
		const char *p = json_string_value(json_object_get(r, "path"));
		if ((!method || (m && strcmp(m, method) == 0)) &&
		    (!path || (p && strcmp(p, path) == 0)))
			n++;
	}
	json_decref(a);
	return n;
}

/* Requests that no route answered (printed to stderr). */
static inline int
replay_unmatched(const struct replay *rp)
{
	json_t *a = replay_requests(rp), *r;
	size_t i;
	int n = 0;
	json_array_foreach(a, i, r)
	{
		if (json_is_false(json_object_get(r, "matched"))) {
			char *s = json_dumps(r, JSON_COMPACT);
			fprintf(stderr, "     unmatched request: %s\n",
			        s ? s : "?");
			free(s);
			n++;
		}
	}
	json_decref(a);
	return n;
}

static inline void
replay_stop(struct replay *rp)
{
	char cmd[600];
	if (rp->pid > 0) {
		kill(rp->pid, SIGTERM);
		waitpid(rp->pid, NULL, 0);
		rp->pid = 0;
	}
	if (rp->dir[0] &&
	    strncmp(rp->dir + strlen(rp->dir) - 15, "kvreplay.", 9) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rp->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "note: could not remove %s\n", rp->dir);
	}
	rp->dir[0] = 0;
}

#endif
