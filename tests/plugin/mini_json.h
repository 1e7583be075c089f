/*
 * A small JSON reader for the plugin's C test and benchmark (C has no JSON library in the
 * standard, and the test must not link anything but libc + libdl). Reads the vector files only:
 * RFC 8259 syntax, \u escapes with surrogate pairs, nesting up to 64. Every value keeps its raw
 * span in the source text, so a vector's "input" can be handed to the plugin as it was written.
 */
#ifndef IDOS_TEST_MINI_JSON_H
#define IDOS_TEST_MINI_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MJ_NULL, MJ_BOOL, MJ_NUMBER, MJ_STRING, MJ_ARRAY, MJ_OBJECT };

typedef struct mj_value {
  int type;
  const char* raw; /* span of the value in the source text */
  size_t raw_len;
  char* str; /* MJ_STRING: decoded bytes, NUL-terminated */
  size_t str_len;
  int boolean;
  int64_t integer; /* MJ_NUMBER without fraction or exponent */
  size_t count;    /* MJ_ARRAY / MJ_OBJECT */
  struct mj_value* items;
  char** keys; /* MJ_OBJECT: decoded member names */
} mj_value;

typedef struct {
  const char* p;
  const char* end;
  int failed;
} mj_parser;

static void mj_ws(mj_parser* ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static int mj_hex4(mj_parser* ps, unsigned* out) {
  unsigned v = 0;
  int i;
  if (ps->end - ps->p < 4) return 0;
  for (i = 0; i < 4; i++) {
    char c = *ps->p++;
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

static size_t mj_utf8(unsigned cp, char* out) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Reads a string token (ps->p at the opening quote); returns a malloc'd decoded copy. */
static char* mj_string(mj_parser* ps, size_t* len_out) {
  const char* start = ++ps->p;
  size_t cap = 16, n = 0;
  char* out;
  (void)start;
  out = (char*)malloc(cap);
  if (!out) { ps->failed = 1; return NULL; }
  while (ps->p < ps->end && *ps->p != '"') {
    char buf[8];
    size_t k = 0;
    unsigned char c = (unsigned char)*ps->p;
    if (c < 0x20) { ps->failed = 1; break; }
    if (c == '\\') {
      char e;
      ps->p++;
      if (ps->p >= ps->end) { ps->failed = 1; break; }
      e = *ps->p++;
      switch (e) {
        case '"': buf[k++] = '"'; break;
        case '\\': buf[k++] = '\\'; break;
        case '/': buf[k++] = '/'; break;
        case 'b': buf[k++] = '\b'; break;
        case 'f': buf[k++] = '\f'; break;
        case 'n': buf[k++] = '\n'; break;
        case 'r': buf[k++] = '\r'; break;
        case 't': buf[k++] = '\t'; break;
        case 'u': {
          unsigned cp, lo;
          if (!mj_hex4(ps, &cp)) { ps->failed = 1; break; }
          if (cp >= 0xD800 && cp < 0xDC00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
            const char* save = ps->p;
            ps->p += 2;
            if (mj_hex4(ps, &lo) && lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else ps->p = save;
          }
          k = mj_utf8(cp, buf);
          break;
        }
        default: ps->failed = 1;
      }
      if (ps->failed) break;
    } else {
      buf[k++] = (char)c;
      ps->p++;
    }
    if (n + k + 1 > cap) {
      char* bigger;
      while (n + k + 1 > cap) cap *= 2;
      bigger = (char*)realloc(out, cap);
      if (!bigger) { ps->failed = 1; break; }
      out = bigger;
    }
    memcpy(out + n, buf, k);
    n += k;
  }
  if (ps->p >= ps->end) ps->failed = 1;
  else ps->p++; /* closing quote */
  out[n] = '\0';
  *len_out = n;
  return out;
}

static void mj_free(mj_value* v);

static void mj_parse_value(mj_parser* ps, mj_value* v, int depth) {
  memset(v, 0, sizeof *v);
  mj_ws(ps);
  if (ps->p >= ps->end || depth > 64) { ps->failed = 1; return; }
  v->raw = ps->p;
  switch (*ps->p) {
    case '"':
      v->type = MJ_STRING;
      v->str = mj_string(ps, &v->str_len);
      break;
    case '{':
    case '[': {
      int object = *ps->p == '{';
      char close = object ? '}' : ']';
      size_t cap = 0;
      v->type = object ? MJ_OBJECT : MJ_ARRAY;
      ps->p++;
      mj_ws(ps);
      if (ps->p < ps->end && *ps->p == close) { ps->p++; break; }
      for (;;) {
        char* key = NULL;
        size_t key_len = 0;
        mj_ws(ps);
        if (object) {
          if (ps->p >= ps->end || *ps->p != '"') { ps->failed = 1; return; }
          key = mj_string(ps, &key_len);
          mj_ws(ps);
          if (ps->failed || ps->p >= ps->end || *ps->p != ':') { free(key); ps->failed = 1; return; }
          ps->p++;
        }
        if (v->count == cap) {
          cap = cap ? cap * 2 : 8;
          v->items = (mj_value*)realloc(v->items, cap * sizeof(mj_value));
          if (object) v->keys = (char**)realloc(v->keys, cap * sizeof(char*));
          if (!v->items || (object && !v->keys)) { free(key); ps->failed = 1; return; }
        }
        if (object) v->keys[v->count] = key;
        mj_parse_value(ps, &v->items[v->count], depth + 1);
        v->count++;
        if (ps->failed) return;
        mj_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == close) { ps->p++; break; }
        ps->failed = 1;
        return;
      }
      break;
    }
    case 't':
    case 'f':
    case 'n': {
      const char* words[3] = {"true", "false", "null"};
      int i;
      for (i = 0; i < 3; i++) {
        size_t wl = strlen(words[i]);
        if ((size_t)(ps->end - ps->p) >= wl && memcmp(ps->p, words[i], wl) == 0) {
          v->type = i == 2 ? MJ_NULL : MJ_BOOL;
          v->boolean = i == 0;
          ps->p += wl;
          break;
        }
      }
      if (i == 3) ps->failed = 1;
      break;
    }
    default: {
      const char* s = ps->p;
      int integral = 1;
      char buf[64];
      if (ps->p < ps->end && *ps->p == '-') ps->p++;
      while (ps->p < ps->end && ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.' || *ps->p == 'e' ||
                                 *ps->p == 'E' || *ps->p == '+' || *ps->p == '-')) {
        if (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E') integral = 0;
        ps->p++;
      }
      if (ps->p == s || (size_t)(ps->p - s) >= sizeof buf) { ps->failed = 1; break; }
      v->type = MJ_NUMBER;
      memcpy(buf, s, (size_t)(ps->p - s));
      buf[ps->p - s] = '\0';
      v->integer = integral ? strtoll(buf, NULL, 10) : (int64_t)strtod(buf, NULL);
    }
  }
  v->raw_len = (size_t)(ps->p - v->raw);
}

/* Parses `len` bytes; returns 0 on a syntax error (the tree is freed). */
static int mj_parse(const char* text, size_t len, mj_value* out) {
  mj_parser ps;
  ps.p = text;
  ps.end = text + len;
  ps.failed = 0;
  mj_parse_value(&ps, out, 0);
  mj_ws(&ps);
  if (ps.failed || ps.p != ps.end) {
    mj_free(out);
    return 0;
  }
  return 1;
}

static void mj_free(mj_value* v) {
  size_t i;
  if (!v) return;
  free(v->str);
  for (i = 0; i < v->count; i++) {
    mj_free(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  memset(v, 0, sizeof *v);
}

/* The member `key` of an object, or NULL. */
static const mj_value* mj_get(const mj_value* obj, const char* key) {
  size_t i;
  if (!obj || obj->type != MJ_OBJECT) return NULL;
  for (i = 0; i < obj->count; i++)
    if (strcmp(obj->keys[i], key) == 0) return &obj->items[i];
  return NULL;
}

/* The member's decoded string, or NULL when absent, null or not a string. */
static const char* mj_str(const mj_value* obj, const char* key, size_t* len) {
  const mj_value* v = mj_get(obj, key);
  if (!v || v->type != MJ_STRING) return NULL;
  if (len) *len = v->str_len;
  return v->str;
}

/* Reads a whole file into a malloc'd buffer (NUL-terminated); NULL if it cannot be read. */
#include <stdio.h>
static char* mj_read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  char* buf;
  long size;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) { fclose(f); return NULL; }
  buf = (char*)malloc((size_t)size + 1);
  if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) { free(buf); buf = NULL; }
  fclose(f);
  if (buf) { buf[size] = '\0'; *len = (size_t)size; }
  return buf;
}

#endif /* IDOS_TEST_MINI_JSON_H */
