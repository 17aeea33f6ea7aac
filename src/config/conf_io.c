/* The only part of src/config that touches the file system: reading files
 * and listing directories for the parsers, and conf_load(), which turns a
 * format name and a path into a checked configuration. */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_impl.h"

#define FILE_MAX (16u << 20)    /* no configuration file is this big */

static int fs_read(void *ctx, const char *path, char **text)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	size_t n;
	char *buf;

	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) < 0) {
		int e = errno;

		fclose(f);
		return -e;
	}
	if (S_ISDIR(st.st_mode)) {
		fclose(f);
		return -EISDIR;
	}
	if ((uint64_t)st.st_size > FILE_MAX) {
		fclose(f);
		return -EFBIG;
	}
	buf = conf_xmalloc((size_t)st.st_size + 1);
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		fclose(f);
		free(buf);
		return -e;
	}
	fclose(f);
	buf[n] = '\0';
	if (strlen(buf) != n) {
		free(buf);
		return -EINVAL;  /* a NUL byte: not a text file */
	}
	*text = buf;
	return 0;
}

static int fs_glob(void *ctx, const char *pattern, char ***paths)
{
	glob_t g;
	char **out;
	int rc = glob(pattern, 0, NULL, &g);

	*paths = NULL;
	if (rc == GLOB_NOMATCH)
		return 0;
	if (rc != 0)
		return rc == GLOB_NOSPACE ? -ENOMEM : -EIO;
	out = conf_xmalloc(sizeof(*out) * (g.gl_pathc + 1));
	for (size_t i = 0; i < g.gl_pathc; i++)
		out[i] = conf_xstrdup(g.gl_pathv[i]);
	*paths = out;
	rc = (int)g.gl_pathc;
	globfree(&g);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

static int fs_list(void *ctx, const char *dir, char ***names)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **out = NULL;
	unsigned n = 0;

	*names = NULL;
	if (!dp)
		return -errno;
	while ((de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		*CONF_PUSH(out, n) = conf_xstrdup(de->d_name);
	}
	closedir(dp);
	if (n)
		qsort(out, n, sizeof(*out), cmp_names);
	*names = out;
	return (int)n;
}

const struct conf_io conf_io_fs = {
	.read = fs_read, .glob = fs_glob, .list = fs_list, .ctx = NULL,
};

/* ---- loading ---------------------------------------------------------------- */

static void path_error(struct conf_diag *d, const char *path, const char *what, int rc)
{
	struct conf_loc loc = { .file = path, .line = 0 };

	conf_error(d, &loc, "%s: %s", what, strerror(-rc));
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

struct file_set {
	struct conf_file *f;
	unsigned n;
};

static void files_free(struct file_set *fs)
{
	for (unsigned i = 0; i < fs->n; i++) {
		free((char *)fs->f[i].path);
		free((char *)fs->f[i].text);
	}
	free(fs->f);
	fs->f = NULL;
	fs->n = 0;
}

static int add_file(struct file_set *fs, const char *path, struct conf_diag *d)
{
	char *text = NULL;
	int rc = fs_read(NULL, path, &text);
	struct conf_file *f;

	if (rc < 0) {
		path_error(d, path, "cannot read", rc);
		return -1;
	}
	f = CONF_PUSH(fs->f, fs->n);
	f->path = conf_xstrdup(path);
	f->text = text;
	return 0;
}

/* The files of a directory whose names pass keep(), in version order. */
static int add_dir(struct file_set *fs, const char *dir, bool (*keep)(const char *),
		   struct conf_diag *d)
{
	char **names = NULL;
	int n = fs_list(NULL, dir, &names), rc = 0;

	if (n < 0) {
		path_error(d, dir, "cannot read directory", n);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(names[i]) + 2;
		char *p = conf_xmalloc(len);

		snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		if (keep(names[i]) && !is_dir(p) && add_file(fs, p, d) < 0)
			rc = -1;
		free(p);
		free(names[i]);
	}
	free(names);
	return rc;
}

static bool keep_ifcfg(const char *name)
{
	return !strncmp(name, "ifcfg-", 6) || !strncmp(name, "route-", 6) ||
	       !strncmp(name, "route6-", 7);
}

/* kmod reads only *.conf; module-init-tools (the seeds' Debian 6, RHEL 5)
 * read every file: those are imported too, with a warning. Backups and
 * hidden files are skipped. */
static bool keep_modprobe(const char *name)
{
	static const char *const skip[] = { "~", ".bak", ".orig", ".rpmnew", ".rpmsave",
					    ".dpkg-old", ".dpkg-dist", ".dpkg-new", NULL };
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	for (const char *const *s = skip; *s; s++)
		if (n >= strlen(*s) && !strcmp(name + n - strlen(*s), *s))
			return false;
	return true;
}

static bool is_dot_conf(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && !strcmp(path + n - 5, ".conf");
}

static struct conf *load_modprobe(const char *path, struct conf_diag *d)
{
	struct file_set fs = { 0 };
	struct conf *c = NULL;
	int rc = is_dir(path) ? add_dir(&fs, path, keep_modprobe, d) : add_file(&fs, path, d);

	if (rc == 0 && is_dir(path)) {
		unsigned k = 0;

		/* Other files count only when they are about bonding. */
		for (unsigned i = 0; i < fs.n; i++) {
			if (!is_dot_conf(fs.f[i].path) && !strstr(fs.f[i].text, "bond")) {
				free((char *)fs.f[i].path);
				free((char *)fs.f[i].text);
				continue;
			}
			if (!is_dot_conf(fs.f[i].path)) {
				struct conf_loc loc = { .file = fs.f[i].path, .line = 0 };

				conf_warn(d, &loc, "modprobe reads only *.conf files since kmod (module-init-tools read all): imported anyway; rename it to end in .conf");
			}
			fs.f[k++] = fs.f[i];
		}
		fs.n = k;
	}
	if (rc == 0)
		c = imp_modprobe_parse(fs.f, fs.n, d);
	files_free(&fs);
	return c;
}

static struct conf *load_ifcfg(const char *path, struct conf_diag *d)
{
	struct file_set fs = { 0 };
	struct conf *c = NULL;
	int rc;

	if (is_dir(path)) {
		rc = add_dir(&fs, path, keep_ifcfg, d);
	} else {
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		struct conf_loc loc = { .file = path, .line = 0 };

		if (!keep_ifcfg(base)) {
			conf_error(d, &loc, "not an ifcfg-*, route-* or route6-* file: give the file or its directory");
			return NULL;
		}
		rc = add_file(&fs, path, d);
	}
	if (rc == 0)
		c = imp_ifcfg_parse(fs.f, fs.n, d);
	files_free(&fs);
	return c;
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && !strcmp(name + n - k, suffix) && name[0] != '.';
}

static bool keep_nm(const char *name)
{
	return has_suffix(name, ".nmconnection") || !strncmp(name, "ifcfg-", 6);
}

static bool keep_networkd(const char *name)
{
	return has_suffix(name, ".netdev") || has_suffix(name, ".network");
}

static bool keep_netplan(const char *name)
{
	return has_suffix(name, ".yaml");
}

/* --from nm|networkd|netplan: a directory (its files of the format, in the
 * tool's order: lexical by name, as fs_list gives them) or one file. */
static struct conf *load_distro(const char *format, const char *path, struct conf_diag *d)
{
	bool (*keep)(const char *) = !strcmp(format, "nm") ? keep_nm :
				     !strcmp(format, "networkd") ? keep_networkd : keep_netplan;
	struct file_set fs = { 0 };
	struct conf *c = NULL;
	char *sub = NULL;
	int rc;

	/* --from nm /etc/NetworkManager: its keyfiles are in system-connections */
	if (keep == keep_nm && is_dir(path)) {
		size_t len = strlen(path) + sizeof("/system-connections");

		sub = conf_xmalloc(len);
		snprintf(sub, len, "%s/system-connections", path);
		if (is_dir(sub))
			path = sub;
	}
	if (is_dir(path)) {
		unsigned k = 0;

		rc = add_dir(&fs, path, keep, d);
		/* NetworkManager's ifcfg-rh plugin reads network-scripts
		 * files; their importer is --from ifcfg. */
		for (unsigned i = 0; i < fs.n; i++) {
			const char *base = strrchr(fs.f[i].path, '/') + 1;

			if (!strncmp(base, "ifcfg-", 6)) {
				struct conf_loc loc = { .file = fs.f[i].path, .line = 0 };

				conf_warn(d, &loc, "an ifcfg file (NetworkManager's ifcfg-rh plugin): not read by --from nm; import its directory with --from ifcfg (/etc/sysconfig/network-scripts)");
				free((char *)fs.f[i].path);
				free((char *)fs.f[i].text);
				continue;
			}
			fs.f[k++] = fs.f[i];
		}
		fs.n = k;
		if (rc == 0 && !fs.n) {
			struct conf_loc loc = { .file = path, .line = 0 };

			conf_error(d, &loc, "no %s files in this directory",
				   keep == keep_nm ? "*.nmconnection" :
				   keep == keep_networkd ? "*.netdev or *.network" : "*.yaml");
			rc = -1;
		}
	} else {
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		struct conf_loc loc = { .file = path, .line = 0 };

		if (keep == keep_nm && !strncmp(base, "ifcfg-", 6)) {
			conf_error(d, &loc, "an ifcfg file: import it with --from ifcfg (NetworkManager's ifcfg-rh plugin reads the same files)");
			free(sub);
			return NULL;
		}
		if (keep == keep_networkd && !keep_networkd(base)) {
			conf_error(d, &loc, "not a .netdev or .network file: give the file or its directory");
			free(sub);
			return NULL;
		}
		rc = add_file(&fs, path, d);
	}
	if (rc == 0) {
		if (keep == keep_nm)
			c = imp_nm_parse(fs.f, fs.n, d);
		else if (keep == keep_networkd)
			c = imp_networkd_parse(fs.f, fs.n, d);
		else
			c = imp_netplan_parse(fs.f, fs.n, d);
	}
	files_free(&fs);
	free(sub);
	return c;
}

static struct conf *load_text(const char *path, bool native, struct conf_diag *d)
{
	char *text = NULL;
	int rc = fs_read(NULL, path, &text);
	struct conf *c;

	if (rc < 0) {
		path_error(d, path, "cannot read", rc);
		return NULL;
	}
	if (native)
		c = conf_parse_native(text, path, d);
	else
		c = imp_interfaces_parse(text, path, &conf_io_fs, d);
	free(text);
	return c;
}

struct conf *conf_load_sources(const struct conf_sources *src, bool strict,
			       struct conf_diag *d)
{
	const char *format = src->format, *path = src->path;
	struct conf *c = NULL, *mod = NULL, *script = NULL;
	struct conf_loc none = { .file = "bondd", .line = 0 };
	unsigned errors = d->n_errors;

	if (!strcmp(format, "native")) {
		c = load_text(path, true, d);
	} else if (!strcmp(format, "interfaces")) {
		c = load_text(path, false, d);
	} else if (!strcmp(format, "ifcfg")) {
		c = load_ifcfg(path, d);
	} else if (!strcmp(format, "modprobe")) {
		c = load_modprobe(path, d);
	} else if (!strcmp(format, "nm") || !strcmp(format, "netplan") ||
		   !strcmp(format, "networkd")) {
		c = load_distro(format, path, d);
	} else {
		conf_error(d, &none, "unknown format '%s': native, ifcfg, interfaces, modprobe, nm, netplan or networkd",
			   format);
		return NULL;
	}
	/* the how-tos' combinations: old ifcfg and interfaces systems kept
	 * bonding options in modprobe.conf and commands in rc.local */
	if ((src->modprobe || src->script) &&
	    strcmp(format, "ifcfg") && strcmp(format, "interfaces")) {
		conf_error(d, &none, "--modprobe and --script go with ifcfg or interfaces only");
		conf_free(c);
		return NULL;
	}
	if (src->modprobe)
		mod = load_modprobe(src->modprobe, d);
	if (src->script) {
		char *text = NULL;
		int rc = fs_read(NULL, src->script, &text);

		if (rc < 0)
			path_error(d, src->script, "cannot read", rc);
		else
			script = imp_script_parse(text, src->script, d);
		free(text);
	}
	if (!c || d->n_errors > errors) {
		conf_free(c);
		conf_free(mod);
		conf_free(script);
		return NULL;
	}
	if (mod) {
		conf_merge(c, mod);
		conf_free(mod);
	}
	if (script) {
		conf_overlay(c, script, d);
		conf_free(script);
	}
	conf_finish(c);
	if (d->n_errors > errors || conf_check(c, strict, d)) {
		conf_free(c);
		return NULL;
	}
	return c;
}

struct conf *conf_load(const char *format, const char *path, const char *modprobe,
		       bool strict, struct conf_diag *d)
{
	const struct conf_sources src = { .format = format, .path = path, .modprobe = modprobe };

	return conf_load_sources(&src, strict, d);
}
