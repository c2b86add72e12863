/*
 * engine.c - the triage engine of each organisation, cached, and intake
 * with it (inbox.h "intake").
 *
 * An organisation's engine is the built-in rules plus its own enabled
 * rules, and a model trained on the shipped labelled sets plus its
 * moderators' class decisions (triage_labels: the text of the item
 * version the moderator saw, the classes decided, every class known).
 * Building it trains a model, which takes a while, so it is built on
 * first use and kept; every change of a rule or a label bumps the
 * organisation's triage epoch (triage_epochs), and the next
 * inbox_engine_get() after a bump builds a new engine.  Rules take
 * effect at once; the model, which takes seconds to train, is trained
 * again from new labels at most every MODEL_RETRAIN seconds (in between,
 * a copy of the last one serves).  An engine handed
 * out stays valid until its inbox_engine_put(): a stale one is freed when
 * the last user puts it back.  The cache is shared by every thread of the
 * process (a mutex guards it; building runs outside the lock).
 */
#include "inbox_int.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../base/xmem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ENGINE_CACHE 32 /* organisations kept */
#define MODEL_RETRAIN                                                          \
	600                    /* seconds a trained model serves on            \
	                          while new labels come in */
#define ENGINE_MAX_RULES 1000  /* own rules read */
#define ENGINE_MAX_LABEL 20000 /* labels read, newest kept */

struct slot {
	int64_t org_id, epoch;
	struct triage_engine *e;
	int users;          /* handed out, not put back */
	int stale;          /* replaced: free when users reaches 0 */
	unsigned long used; /* for eviction: last use */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[ENGINE_CACHE * 2];
static unsigned long clock_tick;

static int64_t
epoch_of(struct db *db, int64_t org_id)
{
	int64_t e = 0;
	if (db_get_i64(db, &e,
	               "SELECT epoch FROM triage_epochs WHERE org_id = ?", "i",
	               org_id) < 0)
		return -1;
	return e;
}

/* Model output bits of a label given as triage class bits. */
static unsigned
to_outputs(unsigned classes)
{
	unsigned out = 0;
	for (int k = 0; k < triage_model_nclasses; k++)
		if (classes & (1u << triage_model_classes[k]))
			out |= 1u << k;
	return out;
}

/* The organisation's labels as training examples (texts in ar). */
static struct cls_example *
load_labels(struct db *db, struct arena *ar, int64_t org_id, size_t *n)
{
	struct cls_example *ex;
	struct db_stmt *st;
	unsigned all = (1u << triage_model_nclasses) - 1;
	*n = 0;
	ex = arena_alloc(ar, sizeof(*ex) * ENGINE_MAX_LABEL);
	st = db_query(db,
	              "SELECT l.labels, l.known, v.text, i.lang FROM "
	              "triage_labels l JOIN item_versions v ON v.item_id = "
	              "l.item_id AND v.version = l.version JOIN items i ON "
	              "i.id = l.item_id WHERE l.org_id = ? ORDER BY l.id DESC "
	              "LIMIT 20000",
	              "i", org_id);
	if (st == NULL)
		return NULL;
	while (db_step(st) == DB_ROW && *n < ENGINE_MAX_LABEL) {
		struct cls_example *x = &ex[(*n)++];
		x->labels = to_outputs((unsigned)db_col_i64(st, 0));
		x->known = to_outputs((unsigned)db_col_i64(st, 1)) & all;
		x->text = arena_strdup(ar, db_col_text(st, 2));
		x->lang = arena_strdup(ar, db_col_text(st, 3));
		x->weight = 0;
	}
	db_finalize(st);
	return ex;
}

/* Trained models per organisation, saved (cls_save) so each engine gets
 * its own copy cheaply: training takes seconds, so a model trained from
 * n labels is reused for up to MODEL_RETRAIN seconds while more labels
 * come in (rule changes still take effect at once: only the model is
 * reused).  Guarded by mu. */
struct model_slot {
	int64_t org_id, built_at;
	size_t nlabels;
	struct buf saved;
};
static struct model_slot models[ENGINE_CACHE];

/* A copy of org_id's cached model when it may serve nlabels at now (the
 * caller owns it), else NULL. */
static struct cls_model *
model_cached(int64_t org_id, size_t nlabels, int64_t now)
{
	struct cls_model *m = NULL;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < ARRAY_LEN(models); i++) {
		struct model_slot *ms = &models[i];
		if (ms->org_id == org_id && ms->saved.len > 0 &&
		    (ms->nlabels == nlabels ||
		     now - ms->built_at < MODEL_RETRAIN)) {
			m = cls_load(ms->saved.p, ms->saved.len);
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	return m;
}

/* Keeps a saved copy of org_id's freshly trained model. */
static void
model_keep(int64_t org_id, size_t nlabels, int64_t now,
           const struct cls_model *m)
{
	struct model_slot *use = NULL;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < ARRAY_LEN(models); i++) {
		struct model_slot *ms = &models[i];
		if (ms->org_id == org_id) {
			use = ms;
			break;
		}
		if (use == NULL || ms->org_id == 0 ||
		    (use->org_id != 0 && ms->built_at < use->built_at))
			use = ms;
	}
	buf_cleanup(&use->saved);
	buf_init(&use->saved, 64u << 20);
	if (cls_save(m, &use->saved) != 0)
		buf_cleanup(&use->saved);
	use->org_id = org_id;
	use->nlabels = nlabels;
	use->built_at = now;
	pthread_mutex_unlock(&mu);
}

/* Builds org_id's engine; NULL on failure. */
static struct triage_engine *
build(struct db *db, int64_t org_id)
{
	struct arena ar;
	struct actor sys;
	struct triage_rule *own = NULL, *all;
	const struct triage_rule *def;
	struct cls_example *ex;
	struct cls_model *model = NULL;
	struct triage_engine *e = NULL;
	size_t nex = 0;
	int nown = 0, ndef = 0, n = 0;

	arena_init(&ar);
	actor_system(&sys, org_id, "inbox");
	if (triage_rule_list(db, &ar, &sys, &own, &nown) != KV_OK)
		goto out;
	def = triage_default_rules(&ndef);
	all = arena_alloc(&ar, sizeof(*all) * (size_t)(ndef + nown + 1));
	for (int i = 0; i < ndef; i++)
		all[n++] = def[i];
	for (int i = 0; i < nown; i++)
		if (own[i].enabled)
			all[n++] = own[i];
	ex = load_labels(db, &ar, org_id, &nex);
	if (ex != NULL && nex > 0) {
		int64_t now = time_now();
		model = model_cached(org_id, nex, now);
		if (model == NULL) {
			model = triage_train_model(ex, nex);
			if (model != NULL)
				model_keep(org_id, nex, now, model);
		}
	}
	e = triage_engine_new(all, n, model); /* copies the rules */
out:
	arena_free(&ar);
	if (e == NULL)
		log_err("inbox: triage engine of organisation %lld not built",
		        (long long)org_id);
	return e;
}

const struct triage_engine *
inbox_engine_get(struct db *db, int64_t org_id)
{
	struct triage_engine *e;
	int64_t epoch = epoch_of(db, org_id);
	struct slot *free_slot = NULL, *oldest = NULL;

	if (epoch < 0)
		return NULL;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < ARRAY_LEN(slots); i++) {
		struct slot *s = &slots[i];
		if (s->e != NULL && !s->stale && s->org_id == org_id &&
		    s->epoch == epoch) {
			s->users++;
			s->used = ++clock_tick;
			pthread_mutex_unlock(&mu);
			return s->e;
		}
	}
	pthread_mutex_unlock(&mu);

	e = build(db, org_id);
	if (e == NULL)
		return NULL;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < ARRAY_LEN(slots); i++) {
		struct slot *s = &slots[i];
		if (s->e != NULL && s->org_id == org_id && !s->stale) {
			/* an older epoch (or a racing build): retire it */
			s->stale = 1;
			if (s->users == 0) {
				triage_engine_free(s->e);
				memset(s, 0, sizeof(*s));
			}
		}
		if (s->e == NULL && free_slot == NULL)
			free_slot = s;
		if (s->e != NULL && !s->stale && s->users == 0 &&
		    (oldest == NULL || s->used < oldest->used))
			oldest = s;
	}
	if (free_slot == NULL && oldest != NULL) {
		triage_engine_free(oldest->e);
		memset(oldest, 0, sizeof(*oldest));
		free_slot = oldest;
	}
	if (free_slot == NULL) {
		/* every slot is handed out: refuse rather than grow */
		pthread_mutex_unlock(&mu);
		log_warn("inbox: triage engine cache full");
		triage_engine_free(e);
		return NULL;
	}
	free_slot->org_id = org_id;
	free_slot->epoch = epoch;
	free_slot->e = e;
	free_slot->users = 1;
	free_slot->stale = 0;
	free_slot->used = ++clock_tick;
	pthread_mutex_unlock(&mu);
	return e;
}

void
inbox_engine_put(const struct triage_engine *e)
{
	if (e == NULL)
		return;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < ARRAY_LEN(slots); i++) {
		struct slot *s = &slots[i];
		if (s->e != e)
			continue;
		if (s->users > 0)
			s->users--;
		if (s->stale && s->users == 0) {
			triage_engine_free(s->e);
			memset(s, 0, sizeof(*s));
		}
		break;
	}
	pthread_mutex_unlock(&mu);
}

enum kv_rc
inbox_intake(struct db *db, int64_t item_id, int64_t now, int *added)
{
	struct db_stmt *st;
	const struct triage_engine *e;
	struct triage_result tr;
	int64_t org_id = 0;
	char *text = NULL, *lang = NULL, *js = NULL;
	json_t *j;
	enum kv_rc rc;
	int step;

	*added = 0;
	st = db_query(db,
	              "SELECT i.org_id, v.text, i.lang, i.inbound, i.type, "
	              "(SELECT COUNT(*) FROM inbox b WHERE b.item_id = i.id) "
	              "FROM items i JOIN item_versions v ON v.item_id = i.id "
	              "AND v.version = i.current_version WHERE i.id = ?",
	              "i", item_id);
	if (st == NULL)
		return KV_DBERR;
	step = db_step(st);
	if (step == DB_ROW) {
		const char *type = db_col_text(st, 4);
		org_id = db_col_i64(st, 0);
		/* not inbound, a post, or in already: nothing to triage */
		if (db_col_i64(st, 3) == 0 || strcmp(type, "post") == 0 ||
		    db_col_i64(st, 5) > 0) {
			db_finalize(st);
			return KV_OK;
		}
		text = xstrdup(db_col_text(st, 1) ? db_col_text(st, 1) : "");
		lang = db_col_text(st, 2) ? xstrdup(db_col_text(st, 2)) : NULL;
	}
	db_finalize(st);
	if (step != DB_ROW)
		return step == DB_DONE ? KV_NOTFOUND : KV_DBERR;
	e = inbox_engine_get(db, org_id);
	if (e == NULL) {
		free(text);
		free(lang);
		return KV_DBERR;
	}
	triage_run(e, text, strlen(text), lang, &tr);
	j = triage_result_json(&tr);
	js = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	rc = inbox_intake_json(db, item_id, &tr, js, now, added);
	inbox_engine_put(e);
	free(js);
	free(text);
	free(lang);
	return rc;
}

int
inbox_intake_pass(struct db *db, int64_t now, int max, int *added)
{
	struct db_stmt *st;
	int64_t ids[256];
	int n = 0, rc;
	*added = 0;
	if (max < 1 || max > (int)ARRAY_LEN(ids))
		max = (int)ARRAY_LEN(ids);
	/* inbound items seen in the last eight days that are not in the
	 * inbox: a crash between capture and intake, or an intake that
	 * failed, is made good here */
	st = db_query(db,
	              "SELECT i.id FROM items i LEFT JOIN inbox b ON "
	              "b.item_id = i.id WHERE b.item_id IS NULL AND i.inbound "
	              "= 1 AND i.type <> 'post' AND i.first_seen_at >= ? "
	              "ORDER BY i.id LIMIT ?",
	              "ii", now - 8 * 86400, (int64_t)max);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && n < max)
		ids[n++] = db_col_i64(st, 0);
	db_finalize(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int a = 0;
		if (inbox_intake(db, ids[i], now, &a) != KV_OK)
			return -1;
		*added += a;
	}
	return 0;
}
