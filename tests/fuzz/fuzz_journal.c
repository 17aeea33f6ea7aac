/* Fuzzes the slave journal parser: a journal may be cut by a crash or
 * edited by hand. A parsed entry must print back to text that parses to
 * the same entry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal_entry e, back;
	struct strbuf sb;
	struct err err;

	if (journal_parse((const char *)data, size, &e, &err) < 0)
		return 0;
	sb_init(&sb);
	journal_format(&e, &sb);
	if (journal_parse(sb.buf, sb.len, &back, &err) < 0 ||
	    memcmp(&e.saved.mac, &back.saved.mac, 6) || e.saved.mtu != back.saved.mtu ||
	    e.saved.ifindex != back.saved.ifindex || strcmp(e.saved.name, back.saved.name) ||
	    strcmp(e.bond, back.bond) || e.pid != back.pid || e.netns != back.netns)
		abort();
	sb_free(&sb);
	return 0;
}
