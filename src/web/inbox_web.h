/*
 * inbox_web.h - what the inbox pages share (issue 5): ui_inbox.c (the
 * queue, bulk actions and the helpers below), ui_inbox_item.c (one item
 * and its work), ui_triage.c (rules, try-out, registry mailbox) and
 * ui_inbox_settings.c (saved replies, topics, the policy, signatures).
 * Labels are msgids (translate with tr); everything written goes through
 * the HTML writer.
 */
#ifndef KV_INBOX_WEB_H
#define KV_INBOX_WEB_H

#include "web.h"
#include "../inbox/inbox.h"
#include "../jobs/act.h"

/* Labels (msgids, static) of a class, an abuse ground (NULL for none), an
 * inbox state, an outcome (NULL for none), a kind of personal data
 * ("national_id" …) and triage's English reason for a hard case (its own
 * words when they are not in the catalogue). */
const char *iw_class_label(int c);
const char *iw_ground_label(int g);
const char *iw_state_label(int s);
const char *iw_outcome_label(int o);
const char *iw_pdata_label(const char *kind);
const char *iw_hard_label(const char *reason);

/* The abuse grounds as select choices: codes (names) and labels (msgids),
 * NULL-terminated, static. */
extern const char *const iw_ground_codes[];
extern const char *const iw_ground_labels[];
/* The languages of the public (nb nn sv da en) and their labels. */
extern const char *const iw_langs[];
extern const char *const iw_lang_labels[];

/* Class badges in words (abuse with its ground), the hard-case flag, the
 * state badge. */
void iw_class_badges(struct req *r, unsigned classes, int ground);
void iw_hard_badge(struct req *r);
void iw_state_badge(struct req *r, int state);
/* The answer duty of an open item: due in / overdue by (in words, with a
 * sign, not by colour alone) and the local due time; "–" when closed. */
void iw_due(struct req *r, const struct inbox_row *row, int64_t now);

/* The text with its personal data marked (<mark> with the kind in words
 * for screen readers); pd is triage's personal_data array (may be NULL);
 * spans that do not fit the text are left unmarked. */
void iw_marked_text(struct req *r, const char *text, json_t *pd);
/* Triage's explanation (the "explain" array of triage_result_json) as a
 * readable list; nothing when empty. */
void iw_explain(struct req *r, json_t *explain);

/* The page's script (assets/inbox.js, with the CSP nonce) and the
 * aria-live region the live updates write into; item_id 0 for the queue
 * (any change counts), else only that item's changes count. */
void iw_script(struct req *r);
void iw_live(struct req *r, int64_t item_id);

/* Form pieces: a radio "f-<idp><name>-<value>" with a msgid label; a
 * checkbox with id id and a label that is a msgid (tr_label 1) or user
 * data shown as it is (0: a person's name); the error of a group of
 * radios or checkboxes (id "e-<idp><field>"; nothing when field has
 * none); a paragraph with a submit button labelled msgid. */
void iw_radio(struct req *r, const char *name, const char *value,
              const char *label, int checked);
void iw_checkbox(struct req *r, const char *name, const char *value,
                 const char *id, const char *label, int checked, int tr_label);
void iw_submit(struct req *r, const char *msgid);
void iw_group_error(struct req *r, const struct verrs *v, const char *field);

/* api_inbox_settings.c: the saved reply, the topic id of the actor's
 * organisation (arena; KV_NOTFOUND); saves t (t->id 0: creates it, id
 * set) and, when people is not NULL, who has its competence, as one
 * change (nothing saved on an error; v gets the fields). */
enum kv_rc iw_reply_find(struct req *r, int64_t id, struct saved_reply *out);
enum kv_rc iw_topic_find(struct req *r, int64_t id, struct inbox_topic *out);
enum kv_rc iw_topic_save(struct req *r, struct inbox_topic *t,
                         const int64_t *people, int npeople, struct verrs *v);

/* A mark that changes nothing (every field "unchanged"). */
void iw_mark_init(struct inbox_mark *m);
/* 1 when s is NULL or has nothing but white space. */
int iw_blank(const char *s);

/* Answers the HTML error page for a domain result (403/404/500). */
void iw_fail(struct req *r, enum kv_rc rc);

#endif
