/* Small helpers shared by every layer: human error messages and a growable
 * text buffer. Nothing here touches the OS except malloc. */
#ifndef BONDD_UTIL_H
#define BONDD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ETH_ALEN_ 6
#define IFNAMSIZ_ 16

/* A human-readable error, filled by whoever refuses a request. The message
 * follows the kernel's wording where the kernel has one. */
struct err {
	int code;           /* -errno style, 0 when unset */
	char msg[512];
};

void err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void err_clear(struct err *e);

/* Growable, always NUL-terminated text buffer. On allocation failure it
 * stops growing and sets oom; callers check once at the end. */
struct strbuf {
	char *buf;
	size_t len, cap;
	bool oom;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void sb_puts(struct strbuf *sb, const char *s);
/* JSON string literal with escapes, quotes included. */
void sb_json_str(struct strbuf *sb, const char *s);
/* The same, or null for NULL or "" (a name that is not there). */
void sb_json_str_or_null(struct strbuf *sb, const char *s);
const char *sb_str(const struct strbuf *sb);

/* "aa:bb:cc:dd:ee:ff", lower case, into out[18]. */
char *mac_fmt(const uint8_t mac[6], char out[18]);
/* Parses "aa:bb:cc:dd:ee:ff" (hex, any case). Returns 0 or -1. */
int mac_parse(const char *s, uint8_t mac[6]);
bool mac_is_zero(const uint8_t mac[6]);
bool mac_is_multicast(const uint8_t mac[6]);
bool mac_eq(const uint8_t a[6], const uint8_t b[6]);

/* The kernel's rule for a device name (dev_valid_name): 1 to 15 bytes,
 * not "." or "..", no '/', ':' or blank; bondd also refuses control and
 * non-ASCII bytes, which no tool can type back. */
bool ifname_valid(const char *name);

/* Edit distance (insert, delete, substitute) between two short words, for
 * "did you mean" suggestions; UINT_MAX when a word is longer than 48. */
unsigned edit_distance(const char *a, const char *b, bool ignore_case);

#endif
