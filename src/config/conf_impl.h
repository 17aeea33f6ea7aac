/* Helpers shared by the config parsers and importers (src/config only):
 * the model's building blocks (conf_model.c), messages (conf_diag.c),
 * option values (conf_opt.c), words and lines (conf_text.c), addresses
 * (conf_addr.c) and routes (conf_route.c). */
#ifndef BONDD_CONF_IMPL_H
#define BONDD_CONF_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "core/opt.h"

/* Allocation: the parsers abort on out-of-memory rather than carry an
 * error path through every helper. conf_oom() is that abort. */
__attribute__((noreturn)) void conf_oom(void);
void *conf_xmalloc(size_t n);
/* The indexes of cb's options in the order bondd sets them (opt_id, the
 * kernel's; stable): malloc'ed, the caller frees. */
unsigned *conf_opt_order(const struct conf_bond *cb);
void *conf_xrealloc(void *p, size_t n);
char *conf_xstrdup(const char *s);
char *conf_xstrndup(const char *s, size_t n);
/* Makes room for one more element in a growable array of count n. */
void *conf_grow(void *arr, unsigned n, size_t elem);
#define CONF_PUSH(arr, n) \
	((arr) = conf_grow((arr), (n), sizeof(*(arr))), \
	 memset(&(arr)[(n)], 0, sizeof(*(arr))), &(arr)[(n)++])

/* The stored copy of a file name, for conf_loc.file. */
const char *conf_add_file(struct conf *c, const char *path);
struct conf_loc conf_loc_at(const char *file, unsigned line);

/* Existing bond/interface of that name, or a new one at loc. */
struct conf_bond *conf_add_bond(struct conf *c, const char *name, const struct conf_loc *loc);
struct conf_iface *conf_add_iface(struct conf *c, const char *name, const struct conf_loc *loc);
/* A new VLAN at the end of c (no check: conf_check() judges names, bonds
 * and vids). bond may be NULL (""): to be filled in. */
struct conf_vlan *conf_add_vlan(struct conf *c, const char *name, const char *bond,
				unsigned vid, const struct conf_loc *loc);
/* "BOND.VID", the name ip link and ifup give a VLAN; false when it does
 * not fit IFNAMSIZ. */
bool conf_vlan_default_name(const char *bond, unsigned vid, char name[CONF_NAME_MAX]);
/* Reads "BOND.VID" (VID decimal digits, no leading zero): true with bond
 * and vid set (vid not range-checked), false for any other name. */
bool conf_split_vlan_name(const char *name, char bond[CONF_NAME_MAX], unsigned *vid);
/* A VLAN id text: 1 .. 4094. 0 or -1 with err set. */
int conf_parse_vid(const char *s, unsigned *vid, struct err *err);
/* Sets an option (already canonical): replaces the value of the same
 * option in place (queue_id: of the same slave), else appends. */
void conf_bond_set_opt(struct conf_bond *b, const char *name, const char *value,
		       const struct conf_loc *loc);
/* Sets it only when b does not set it (and, for miimon/arp_interval, does
 * not set the other monitor): used for lower-precedence sources. */
void conf_bond_set_default(struct conf_bond *b, const struct conf_opt *o);
/* Same option: same name, and for queue_id the same slave ("eth0:2"). */
bool conf_opt_same(const struct conf_opt *o, const char *name, const char *value);
void conf_opts_set(struct conf_opt **opts, unsigned *n, const char *name, const char *value,
		   const struct conf_loc *loc);
/* "bondN": the names the bonding driver gives its devices. */
bool conf_looks_like_bond(const char *name);
/* The words after a route's destination, "via GW", "dev DEV" and "metric
 * N" in any order (conf_route.c). family: AF_UNSPEC or the destination's
 * family on entry; via's family after. */
struct conf_route_words {
	int family;
	bool has_via;
	uint8_t via[16];
	char dev[CONF_NAME_MAX];
	bool has_metric;
	unsigned long metric;
};
/* "via", "dev", "metric" (NULL-terminated), for suggestions. */
extern const char *const conf_route_keywords[];
/* Reads the pairs from w[i] on into r. Returns n when all were read; the
 * index of the first word that is none of the three (its value follows)
 * for the format to refuse or skip; or -1 after an error added to d
 * ("'W' needs a value" with what before it, "invalid gateway address
 * 'A'", "invalid interface name 'D'" when check_dev, "invalid metric
 * 'N'"). */
int conf_route_words(char **w, int n, int i, struct conf_route_words *r, const char *what,
		     bool check_dev, const struct conf_loc *loc, struct conf_diag *d);
/* A route from an importer; prefix 0 makes it the family's gateway. */
void conf_add_route(struct conf *c, struct conf_diag *d, int family, const uint8_t dst[16],
		    int prefix, const uint8_t *via, const char *dev, bool has_metric,
		    unsigned long metric, const struct conf_loc *loc);
void conf_bond_add_slave(struct conf_bond *b, const char *name, const struct conf_loc *loc);
void conf_free_opts(struct conf_opt *o, unsigned n);

/* Checks an option name and value against the option table and returns
 * the canonical pair (malloc'd). module: max_bonds/tx_queues allowed.
 * On error returns -1 with err set ("unknown option 'x' (did you mean
 * 'y'?)", "option x: invalid value (v)", ...). */
int conf_opt_canon(const char *name, const char *value, bool module, char **cname,
		   char **cvalue, struct err *err);
/* "arp_ip_target=+a" style edits of an address list option: applies text
 * ("+a", "-a" or a list) to the current canonical list (may be NULL) and
 * returns the new canonical list. -1 with err set on error. */
int conf_list_edit(const struct opt_desc *d, const char *current, const char *text,
		   char **out, struct err *err);

/* The candidate nearest to word (edit distance), or NULL when none is
 * close. cands is NULL-terminated. */
const char *conf_suggest(const char *word, const char *const *cands);
/* Nearest option name of the table (bond options, plus the module
 * parameters when module) or of extra (NULL-terminated, may be NULL). */
const char *conf_suggest_opt(const char *name, bool module, const char *const *extra);
/* "unknown X 'w' (did you mean 's'?)" / "unknown X 'w'". */
void conf_error_unknown(struct conf_diag *d, const struct conf_loc *loc, const char *what,
			const char *word, const char *suggestion);

/* ---- text --------------------------------------------------------------- */

/* Trims blanks at both ends, in place. */
char *conf_trim(char *s);
/* The characters the configuration formats use as syntax (comments, lists,
 * assignments, quotes, expansions): no name or label may hold them. */
#define CONF_SYNTAX_CHARS "#;,=[]\"'\\$"
/* lib's ifname_valid() (the kernel's rule) without CONF_SYNTAX_CHARS. */
bool conf_ifname_ok(const char *s);
/* A word bondd.conf uses as a section header ([route], [bonding],
 * [interface X]): an interface name, but no bond can be called that in
 * bondd.conf, so the check refuses such a bond from an importer. */
bool conf_is_section_word(const char *name);
/* Splits a command line into words: blanks separate, '...' and "..."
 * quote (backslash escapes inside "..." and outside quotes). Returns the
 * count, -1 on an unterminated quote. *words: malloc'd, free with
 * conf_words_free(). */
int conf_split_words(const char *s, char ***words);
void conf_words_free(char **w, int n);

/* Line iterator over text: joins lines ending in '\' when join is set.
 * Each call gives the next logical line (malloc'd into *line, to free) and
 * the number of its first physical line. Returns false at the end. */
struct conf_lines {
	const char *p;
	unsigned next_line;
	bool join;
};
void conf_lines_init(struct conf_lines *it, const char *text, bool join);
bool conf_lines_next(struct conf_lines *it, char **line, unsigned *lineno);

/* ---- addresses ---------------------------------------------------------- */

/* "a.b.c.d" or an IPv6 address. family: AF_UNSPEC to accept both. 0 or -1. */
int conf_parse_ip(const char *s, int family, int *out_family, uint8_t out[16]);
/* "ADDR", "ADDR/LEN" or "ADDR/a.b.c.d": *prefix -1 when absent. 0 or -1
 * (err says why). */
int conf_parse_cidr(const char *s, int *family, uint8_t addr[16], int *prefix,
		    struct err *err);
/* "255.255.255.0" or "24" (family's range). Prefix length or -1. */
int conf_parse_netmask(const char *s, int family);
/* The classful default prefix of an IPv4 address (as ipcalc gives). */
int conf_classful_prefix(const uint8_t a[4]);
const char *conf_ip_str(int family, const uint8_t *a, char buf[64]);
/* True when a and b are in the same prefix-length subnet. */
bool conf_same_subnet(int family, const uint8_t *a, const uint8_t *b, unsigned prefix);
/* Fills an address; validates label against dev ("dev" or "dev:..."). 0,
 * or -1 with err set. */
int conf_addr_label_ok(const char *dev, const char *label, struct err *err);
/* Appends an address to (addrs, n). */
struct conf_addr *conf_push_addr(struct conf_addr **addrs, unsigned *n);
/* Default gateway: error when a different one is already set. */
void conf_set_gateway(struct conf *c, int family, const uint8_t addr[16], const char *dev,
		      const struct conf_loc *loc, struct conf_diag *d);
bool conf_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* MTU text: 68 .. 65535. */
int conf_parse_mtu(const char *s, unsigned *mtu, struct err *err);

/* ---- INI files (NetworkManager keyfiles, systemd-networkd units) -------- */

struct conf_ini_kv {
	char *key;
	char *value;                /* blanks around it trimmed */
	unsigned line;
};

struct conf_ini_section {
	char *name;
	unsigned line;
	struct conf_ini_kv *kv;     /* in file order, repeats kept */
	unsigned n_kv;
};

struct conf_ini {
	struct conf_ini_section *sections;  /* in file order, repeats kept */
	unsigned n_sections;
};

/* Reads "[Section]" and "Key=Value" lines; '#' comments, and ';' ones
 * when semicolon; join: lines ending in '\' continue. 0, or -1 after
 * errors in d (ini holds what was read; free it either way). */
int conf_ini_parse(struct conf_ini *ini, const char *text, const char *file, bool semicolon,
		   bool join, struct conf_diag *d);
void conf_ini_free(struct conf_ini *ini);
/* The last Key= of every [section] of that name, or NULL. */
const struct conf_ini_kv *conf_ini_get(const struct conf_ini *ini, const char *section,
				       const char *key);
/* A systemd time span ("100ms", "1s", "2min", "1min 30s"); a bare number
 * is in bare_unit ("s" for systemd, "ms" for netplan). 0 or -1. */
int conf_parse_timespan(const char *s, const char *bare_unit, unsigned long *ms);
/* An option value conf_opt_canon() refused (msg its err.msg), as
 * "PREFIXmsg", with the nearest valid name when the option takes names. */
void conf_opt_refused(struct conf_diag *d, const struct conf_loc *loc, const char *prefix,
		      const char *opt, const char *value, const char *msg);
/* systemd's/NM's booleans: 1, 0, or -1 for neither. */
int conf_parse_bool_word(const char *s);

#endif
