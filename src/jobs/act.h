/*
 * act.h - carrying out what a moderator decided about an inbox item
 * (issue 5, docs/INBOX.md "Actions"): a reply through the channel's
 * connector, signed by the channel's rule; a removal that first freezes
 * the evidence and then asks the platform to hide or delete; a case
 * request sent to the organisation's registry (a mail to postmottak and a
 * Noark 5 arkivmelding file) with a back-reference, and the journal
 * reference the registry answers with.
 *
 * Every action checks that the actor may work the item (inbox_work_get),
 * is recorded in its own table (sql/{sqlite,pg}/0007_actions.sql), moves the
 * item's inbox state through inbox_record_action() and is audited.  The
 * platform is called outside any transaction; what it answered is stored after.
 * Nothing is sent twice by a retry: a reply row is written before the
 * platform call and a second reply needs a second request by a person.
 *
 * Returned objects live in the caller's arena.
 */
#ifndef KV_ACT_H
#define KV_ACT_H

#include "../archive/cred.h"
#include "../base/buf.h"
#include "../inbox/inbox.h"

#define ACT_MAX_REPLY 5000 /* bytes of a reply as written */

struct act_cfg {
	/* opens the channels' credentials: key, or when NULL the key file
	 * key_path, read only when a platform is called */
	const struct cred_key *key;
	const char *key_path;
	const char *registry_dir; /* arkivmelding files go here; NULL: none */
	const char *base_url;     /* for links in registry mail; may be NULL */
	const char *system_name;  /* <system> of arkivmelding ("kanalvakt") */
};

struct act_outcome {
	int64_t id;      /* the reply, removal or registry send */
	char status[16]; /* "sent", "failed", "done", "unsupported", "manual",
	                    "queued" */
	char error[600]; /* English; the platform's own words when it spoke */
	char platform_id[256];
	char url[1024];
	char reference[64]; /* registry back-reference */
	char sha256[65];    /* evidence or arkivmelding blob */
	int64_t reply_item_id;
	/* what to tell the sender, in the item's language: why it was
	 * removed (act_remove), the duty to document (act_registry) */
	char message[800];
};

/* Sends text (with the channel's signature appended) as a reply to
 * item_id through the connector, captures the reply as an outbound item
 * and marks the item answered.  KV_INVALID (empty, too long for the
 * platform: v), KV_FORBIDDEN, KV_NOTFOUND, KV_CONFLICT when the platform
 * refused or cannot reply (out->status "failed", out->error says why; the
 * reply row keeps it), KV_DBERR. */
enum kv_rc act_reply(struct db *db, struct arena *ar, const struct act_cfg *cfg,
                     const struct actor *a, int64_t item_id, const char *text,
                     struct act_outcome *out, struct verrs *v);

/* Removes item_id: freezes the evidence (payload hashes, every version's
 * text, events, rendered text, SHA-256) as a blob, records the removal with
 * ground (abuse_ground_name) and note, commits, then asks the platform to
 * hide ("hide") or delete ("delete"); "manual" records that a person
 * removes it on the platform by hand.  The item becomes removed when the
 * platform confirmed (or for manual); a platform that cannot do it leaves
 * status "unsupported" with the connector's reason and the evidence kept.
 * Also drafts the message to the sender in the item's language
 * (out->... via act_history).  KV_INVALID, KV_FORBIDDEN, KV_NOTFOUND,
 * KV_CONFLICT (platform failure; the evidence stays), KV_DBERR. */
enum kv_rc act_remove(struct db *db, struct arena *ar,
                      const struct act_cfg *cfg, const struct actor *a,
                      int64_t item_id, const char *action, const char *ground,
                      const char *note, struct act_outcome *out,
                      struct verrs *v);

/* A zip for the police (threats): README.txt (who, when, ground, how to
 * check the hashes), evidence.json, text.txt, the raw payloads and media
 * of the item, SHA256SUMS.  Built from the frozen evidence of removal_id
 * into zip; *name the file name.  KV_NOTFOUND / KV_FORBIDDEN as
 * inbox_work_get for the removal's item. */
enum kv_rc act_evidence_pack(struct db *db, struct arena *ar,
                             const struct actor *a, int64_t removal_id,
                             struct buf *zip, const char **name);

/* Sends item_id to the registry: queues a mail to the organisation's
 * registry mailbox (registry_settings) with the text, sender, time, link
 * and back-reference, stores a Noark 5 arkivmelding XML (blob, and a file
 * in cfg->registry_dir when set), marks the item sent to registry.
 * KV_CONFLICT when neither a mailbox nor a directory is configured. */
enum kv_rc act_registry(struct db *db, struct arena *ar,
                        const struct act_cfg *cfg, const struct actor *a,
                        int64_t item_id, const char *note,
                        struct act_outcome *out, struct verrs *v);

/* Records the registry's journal reference ("2026/01234-1") for item_id's
 * latest registry send.  KV_CONFLICT when the item was never sent. */
enum kv_rc act_registry_journal(struct db *db, struct arena *ar,
                                const struct actor *a, int64_t item_id,
                                const char *journal_ref, struct verrs *v);

/* The registry mailbox of the actor's organisation ("" when none); set
 * by administrators (validated as a mail address; "" clears). */
enum kv_rc registry_mailbox_get(struct db *db, struct arena *ar,
                                const struct actor *a, const char **mailbox);
enum kv_rc registry_mailbox_set(struct db *db, struct arena *ar,
                                const struct actor *a, const char *mailbox,
                                struct verrs *v);

/* Texts to the sender in lang (nb, nn, sv, da, en; others: en), static:
 * that the comment was removed and why (ground name), and that the
 * message was sent to the registry under reference (written into out). */
const char *act_removed_message(const char *lang, const char *ground);
void act_registry_message(const char *lang, const char *reference, char *out,
                          size_t n);

/* Everything done to item_id: replies, removals, registry sends (JSON
 * array each, newest first), for the item page and the API. */
enum kv_rc act_history(struct db *db, struct arena *ar, const struct actor *a,
                       int64_t item_id, json_t **replies, json_t **removals,
                       json_t **registry);

/* The longest reply the platform takes, in characters (0: no limit). */
int act_reply_limit(const char *platform);

#endif
