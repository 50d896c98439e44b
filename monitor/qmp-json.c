/*
 * QEMU's JSON dialect as the QMP wire sees it: a byte-at-a-time lexer
 * (single-quoted strings, lower-case keywords, recovery after a lexical
 * error), a streamer that cuts the token stream into top-level values by
 * counting braces and brackets, a parser that reports QEMU's messages, and
 * a writer with QEMU's spacing and escaping.  Values are jansson json_t.
 * The QMP server (qmp.c) feeds it; HMP's "qom-set -j" parses with it.
 */
#include "qemu/osdep.h"
#include "monitor/monitor-internal.h"

#define QMP_JSON_MAX_TOKEN_SIZE (64ULL << 20)
#define QMP_JSON_MAX_TOKEN_COUNT (2ULL << 20)
#define QMP_JSON_MAX_NESTING 1024

typedef enum QmpJsonTokenType {
    QMP_JSON_LCURLY,
    QMP_JSON_RCURLY,
    QMP_JSON_LSQUARE,
    QMP_JSON_RSQUARE,
    QMP_JSON_COLON,
    QMP_JSON_COMMA,
    QMP_JSON_STRING,    /* text includes the quotes, escapes undecoded */
    QMP_JSON_INTEGER,
    QMP_JSON_FLOAT,
    QMP_JSON_KEYWORD,   /* [a-z]+, validated by the parser */
    QMP_JSON_ERROR,     /* text consumed so far plus the offending byte */
} QmpJsonTokenType;

typedef enum QmpJsonLexState {
    QMP_LEX_START,
    QMP_LEX_STRING,
    QMP_LEX_STRING_ESCAPE,
    QMP_LEX_NUM_SIGN,       /* after '-' */
    QMP_LEX_NUM_ZERO,       /* a leading 0: no digit may follow */
    QMP_LEX_NUM_INT,
    QMP_LEX_NUM_DOT,        /* after '.', a digit must follow */
    QMP_LEX_NUM_FRAC,
    QMP_LEX_NUM_EXP,        /* after 'e', sign or digit must follow */
    QMP_LEX_NUM_EXP_SIGN,   /* after the exponent's sign */
    QMP_LEX_NUM_EXP_DIGITS,
    QMP_LEX_KEYWORD,
    QMP_LEX_RECOVERY,       /* skipping input after a lexical error */
} QmpJsonLexState;

typedef struct QmpJsonToken {
    QmpJsonTokenType type;
    char *text;
} QmpJsonToken;

struct QmpJsonStream {
    QmpJsonEmitFunc *emit;
    void *opaque;
    QmpJsonLexState state;
    char quote;             /* QMP_LEX_STRING: '"' or '\'' */
    GString *text;          /* token being lexed */
    GPtrArray *tokens;      /* QmpJsonToken *, of the value being built */
    size_t tokens_size;     /* bytes of text in tokens */
    int brace_count;
    int bracket_count;
};

typedef struct QmpJsonParser {
    GPtrArray *tokens;
    guint pos;
    Error *err;             /* the first error only, as QEMU */
} QmpJsonParser;

/* ---- tokens and the streamer ---- */

static void qmp_json_token_free(gpointer data)
{
    QmpJsonToken *token = data;

    g_free(token->text);
    g_free(token);
}

static void qmp_json_stream_reset(QmpJsonStream *stream)
{
    g_ptr_array_set_size(stream->tokens, 0);
    stream->tokens_size = 0;
    stream->brace_count = 0;
    stream->bracket_count = 0;
}

static json_t *qmp_json_parse_tokens(GPtrArray *tokens, Error **errp);

static void qmp_json_stream_emit_value(QmpJsonStream *stream)
{
    Error *err = NULL;
    json_t *value = qmp_json_parse_tokens(stream->tokens, &err);

    qmp_json_stream_reset(stream);
    stream->emit(stream->opaque, value, err);
}

static void qmp_json_stream_emit_error(QmpJsonStream *stream, Error *err)
{
    qmp_json_stream_reset(stream);
    stream->emit(stream->opaque, NULL, err);
}

static bool qmp_json_stream_check_limits(QmpJsonStream *stream,
                                         Error **errp)
{
    if (stream->tokens_size > QMP_JSON_MAX_TOKEN_SIZE) {
        error_setg(errp, "JSON token size limit exceeded");
        return false;
    }
    if (stream->tokens->len > QMP_JSON_MAX_TOKEN_COUNT) {
        error_setg(errp, "JSON token count limit exceeded");
        return false;
    }
    if (stream->brace_count + stream->bracket_count > QMP_JSON_MAX_NESTING) {
        error_setg(errp, "JSON nesting depth limit exceeded");
        return false;
    }
    return true;
}

/* A value is complete when braces and brackets balance (or go negative). */
static void qmp_json_stream_push(QmpJsonStream *stream, QmpJsonTokenType type)
{
    QmpJsonToken *token;
    Error *err = NULL;

    if (type == QMP_JSON_ERROR) {
        error_setg(&err, "JSON parse error, stray '%s'", stream->text->str);
        qmp_json_stream_emit_error(stream, err);
        return;
    }
    stream->brace_count += type == QMP_JSON_LCURLY;
    stream->brace_count -= type == QMP_JSON_RCURLY;
    stream->bracket_count += type == QMP_JSON_LSQUARE;
    stream->bracket_count -= type == QMP_JSON_RSQUARE;
    token = g_new(QmpJsonToken, 1);
    token->type = type;
    token->text = g_strndup(stream->text->str, stream->text->len);
    g_ptr_array_add(stream->tokens, token);
    stream->tokens_size += stream->text->len;
    if (stream->brace_count < 0 || stream->bracket_count < 0 ||
        (stream->brace_count == 0 && stream->bracket_count == 0)) {
        qmp_json_stream_emit_value(stream);
    } else if (!qmp_json_stream_check_limits(stream, &err)) {
        qmp_json_stream_emit_error(stream, err);
    }
}

/* ---- the lexer ---- */

static void qmp_json_lex_emit(QmpJsonStream *stream, QmpJsonTokenType type)
{
    qmp_json_stream_push(stream, type);
    g_string_truncate(stream->text, 0);
    stream->state = type == QMP_JSON_ERROR ? QMP_LEX_RECOVERY : QMP_LEX_START;
}

static bool qmp_json_lex_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int qmp_json_lex_structural(unsigned char c)
{
    switch (c) {
    case '{': return QMP_JSON_LCURLY;
    case '}': return QMP_JSON_RCURLY;
    case '[': return QMP_JSON_LSQUARE;
    case ']': return QMP_JSON_RSQUARE;
    case ':': return QMP_JSON_COLON;
    case ',': return QMP_JSON_COMMA;
    default: return -1;
    }
}

/* Recovery stops where a new token can safely start, as QEMU's lexer. */
static bool qmp_json_lex_ends_recovery(unsigned char c)
{
    return qmp_json_lex_structural(c) >= 0 || c == '\n' ||
           (c < 0x20 && c != '\t' && c != '\r') || c >= 0xfe;
}

static QmpJsonLexState qmp_json_lex_start(QmpJsonStream *stream,
                                          unsigned char c)
{
    int structural = qmp_json_lex_structural(c);

    if (qmp_json_lex_is_space(c)) {
        return QMP_LEX_START;
    }
    g_string_append_c(stream->text, c);
    if (structural >= 0) {
        qmp_json_lex_emit(stream, structural);
        return QMP_LEX_START;
    }
    if (c == '"' || c == '\'') {
        stream->quote = c;
        return QMP_LEX_STRING;
    }
    if (c == '-') {
        return QMP_LEX_NUM_SIGN;
    }
    if (c == '0') {
        return QMP_LEX_NUM_ZERO;
    }
    if (g_ascii_isdigit(c)) {
        return QMP_LEX_NUM_INT;
    }
    if (c >= 'a' && c <= 'z') {
        return QMP_LEX_KEYWORD;
    }
    qmp_json_lex_emit(stream, QMP_JSON_ERROR);
    return QMP_LEX_RECOVERY;
}

static QmpJsonLexState qmp_json_lex_string(QmpJsonStream *stream,
                                           unsigned char c)
{
    g_string_append_c(stream->text, c);
    if (stream->state == QMP_LEX_STRING_ESCAPE) {
        if (c < 0x20) {
            qmp_json_lex_emit(stream, QMP_JSON_ERROR);
            return QMP_LEX_RECOVERY;
        }
        return QMP_LEX_STRING;
    }
    if (c == stream->quote) {
        qmp_json_lex_emit(stream, QMP_JSON_STRING);
        return QMP_LEX_START;
    }
    if (c < 0x20) {
        qmp_json_lex_emit(stream, QMP_JSON_ERROR);
        return QMP_LEX_RECOVERY;
    }
    return c == '\\' ? QMP_LEX_STRING_ESCAPE : QMP_LEX_STRING;
}

/* The state after c in a number, or QMP_LEX_START when c ends it. */
static QmpJsonLexState qmp_json_lex_number_next(QmpJsonLexState state,
                                                unsigned char c,
                                                bool *error)
{
    bool digit = g_ascii_isdigit(c);
    bool exp = c == 'e' || c == 'E';

    *error = false;
    switch (state) {
    case QMP_LEX_NUM_SIGN:
        *error = !digit;
        return c == '0' ? QMP_LEX_NUM_ZERO : QMP_LEX_NUM_INT;
    case QMP_LEX_NUM_ZERO:
    case QMP_LEX_NUM_INT:
        *error = digit && state == QMP_LEX_NUM_ZERO;
        return c == '.' ? QMP_LEX_NUM_DOT : exp ? QMP_LEX_NUM_EXP :
               digit ? QMP_LEX_NUM_INT : QMP_LEX_START;
    case QMP_LEX_NUM_DOT:
        *error = !digit;
        return QMP_LEX_NUM_FRAC;
    case QMP_LEX_NUM_FRAC:
        return digit ? QMP_LEX_NUM_FRAC : exp ? QMP_LEX_NUM_EXP
                                              : QMP_LEX_START;
    case QMP_LEX_NUM_EXP:
        *error = !digit && c != '+' && c != '-';
        return digit ? QMP_LEX_NUM_EXP_DIGITS : QMP_LEX_NUM_EXP_SIGN;
    case QMP_LEX_NUM_EXP_SIGN:
        *error = !digit;
        return QMP_LEX_NUM_EXP_DIGITS;
    default:
        return digit ? QMP_LEX_NUM_EXP_DIGITS : QMP_LEX_START;
    }
}

static void qmp_json_lex_byte(QmpJsonStream *stream, unsigned char c);

static QmpJsonLexState qmp_json_lex_number(QmpJsonStream *stream,
                                           unsigned char c)
{
    QmpJsonLexState state = stream->state;
    bool error;
    QmpJsonLexState next = qmp_json_lex_number_next(state, c, &error);

    if (error) {
        g_string_append_c(stream->text, c);
        qmp_json_lex_emit(stream, QMP_JSON_ERROR);
        return QMP_LEX_RECOVERY;
    }
    if (next != QMP_LEX_START) {
        g_string_append_c(stream->text, c);
        return next;
    }
    qmp_json_lex_emit(stream, state == QMP_LEX_NUM_ZERO ||
                              state == QMP_LEX_NUM_INT ? QMP_JSON_INTEGER
                                                       : QMP_JSON_FLOAT);
    qmp_json_lex_byte(stream, c);
    return stream->state;
}

static void qmp_json_lex_byte(QmpJsonStream *stream, unsigned char c)
{
    switch (stream->state) {
    case QMP_LEX_START:
        stream->state = qmp_json_lex_start(stream, c);
        break;
    case QMP_LEX_STRING:
    case QMP_LEX_STRING_ESCAPE:
        stream->state = qmp_json_lex_string(stream, c);
        break;
    case QMP_LEX_KEYWORD:
        if (c >= 'a' && c <= 'z') {
            g_string_append_c(stream->text, c);
            break;
        }
        qmp_json_lex_emit(stream, QMP_JSON_KEYWORD);
        qmp_json_lex_byte(stream, c);
        break;
    case QMP_LEX_RECOVERY:
        if (qmp_json_lex_ends_recovery(c)) {
            stream->state = QMP_LEX_START;
            qmp_json_lex_byte(stream, c);
        }
        break;
    default:
        stream->state = qmp_json_lex_number(stream, c);
        break;
    }
}

QmpJsonStream *qmp_json_stream_new(QmpJsonEmitFunc *emit, void *opaque)
{
    QmpJsonStream *stream = g_new0(QmpJsonStream, 1);

    stream->emit = emit;
    stream->opaque = opaque;
    stream->text = g_string_new(NULL);
    stream->tokens = g_ptr_array_new_with_free_func(qmp_json_token_free);
    return stream;
}

void qmp_json_stream_feed(QmpJsonStream *stream, const char *buf,
                          size_t len)
{
    for (size_t i = 0; i < len; i++) {
        qmp_json_lex_byte(stream, (unsigned char)buf[i]);
    }
}

/* End of input: a pending number or keyword is complete. */
static void qmp_json_stream_flush(QmpJsonStream *stream)
{
    switch (stream->state) {
    case QMP_LEX_KEYWORD:
    case QMP_LEX_NUM_ZERO:
    case QMP_LEX_NUM_INT:
    case QMP_LEX_NUM_FRAC:
    case QMP_LEX_NUM_EXP_DIGITS:
        qmp_json_lex_byte(stream, ' ');
        break;
    default:
        break;
    }
}

void qmp_json_stream_free(QmpJsonStream *stream)
{
    if (stream) {
        g_string_free(stream->text, true);
        g_ptr_array_free(stream->tokens, true);
        g_free(stream);
    }
}

/* ---- the parser ---- */

static void qmp_json_parse_error(QmpJsonParser *p, const char *fmt, ...)
    QEMU_PRINTF(2, 3);

static void qmp_json_parse_error(QmpJsonParser *p, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    if (p->err) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(&p->err, "JSON parse error, %s", msg);
}

static QmpJsonToken *qmp_json_peek(QmpJsonParser *p)
{
    return p->pos < p->tokens->len ? p->tokens->pdata[p->pos] : NULL;
}

static QmpJsonToken *qmp_json_pop(QmpJsonParser *p)
{
    QmpJsonToken *token = qmp_json_peek(p);

    p->pos += token != NULL;
    return token;
}

static int qmp_json_hex4(const char *s)
{
    int cp = 0;

    for (int i = 0; i < 4; i++) {
        if (!g_ascii_isxdigit(s[i])) {
            return -1;
        }
        cp = cp << 4 | g_ascii_xdigit_value(s[i]);
    }
    return cp;
}

/* Decode \uXXXX (and a following low surrogate) at *ptr, after "\u". */
static bool qmp_json_parse_ucode(QmpJsonParser *p, const char *beg,
                                 const char **ptr, GString *out)
{
    int cp = qmp_json_hex4(*ptr);
    int low;

    *ptr += 4;
    if (cp >= 0xd800 && cp <= 0xdbff && (*ptr)[0] == '\\' &&
        (*ptr)[1] == 'u') {
        low = qmp_json_hex4(*ptr + 2);
        if (low >= 0xdc00 && low <= 0xdfff) {
            cp = 0x10000 + ((cp & 0x3ff) << 10) + (low & 0x3ff);
            *ptr += 6;
        } else {
            cp = -1;
        }
    }
    if (cp < 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
        qmp_json_parse_error(p, "%.*s is not a valid Unicode character",
                             (int)strnlen(beg, *ptr - beg), beg);
        return false;
    }
    g_string_append_unichar(out, cp);
    return true;
}

static bool qmp_json_parse_escape(QmpJsonParser *p, const char **ptr,
                                  GString *out)
{
    static const char escapes[] = "\"\"''\\\\//b\bf\fn\nr\rt\t";
    const char *beg = *ptr;
    char c = (*ptr)[1];

    *ptr += 2;
    if (c == 'u') {
        return qmp_json_parse_ucode(p, beg, ptr, out);
    }
    for (size_t i = 0; escapes[i]; i += 2) {
        if (escapes[i] == c) {
            g_string_append_c(out, escapes[i + 1]);
            return true;
        }
    }
    qmp_json_parse_error(p, "invalid escape sequence in string");
    return false;
}

static json_t *qmp_json_parse_string(QmpJsonParser *p, QmpJsonToken *token)
{
    const char *ptr = token->text + 1;
    const char quote = token->text[0];
    g_autoptr(GString) out = g_string_new(NULL);
    gunichar cp;

    while (*ptr != quote) {
        if (*ptr == '\\') {
            if (!qmp_json_parse_escape(p, &ptr, out)) {
                return NULL;
            }
            continue;
        }
        cp = g_utf8_get_char_validated(ptr, -1);
        if (cp == (gunichar)-1 || cp == (gunichar)-2) {
            qmp_json_parse_error(p, "invalid UTF-8 sequence in string");
            return NULL;
        }
        g_string_append_len(out, ptr, g_utf8_next_char(ptr) - ptr);
        ptr = g_utf8_next_char(ptr);
    }
    return json_stringn(out->str, out->len);
}

/*
 * Integers that fit int64 stay integers; others become doubles (jansson
 * has no uint64, so 2^63..2^64-1 lose precision, unlike QEMU).
 */
static json_t *qmp_json_parse_number(QmpJsonToken *token)
{
    long long value;
    char *end;

    if (token->type == QMP_JSON_INTEGER) {
        errno = 0;
        value = strtoll(token->text, &end, 10);
        if (errno == 0 && *end == '\0') {
            return json_integer(value);
        }
    }
    return json_real(g_ascii_strtod(token->text, NULL));
}

static json_t *qmp_json_parse_keyword(QmpJsonParser *p, QmpJsonToken *token)
{
    if (!strcmp(token->text, "true")) {
        return json_true();
    }
    if (!strcmp(token->text, "false")) {
        return json_false();
    }
    if (!strcmp(token->text, "null")) {
        return json_null();
    }
    qmp_json_parse_error(p, "invalid keyword '%s'", token->text);
    return NULL;
}

static json_t *qmp_json_parse_value(QmpJsonParser *p);

static bool qmp_json_parse_pair(QmpJsonParser *p, json_t *dict)
{
    json_t *key;
    QmpJsonToken *token;
    json_t *value = NULL;

    if (!qmp_json_peek(p)) {
        qmp_json_parse_error(p, "premature EOI");
        return false;
    }
    key = qmp_json_parse_value(p);
    if (!json_is_string(key)) {
        qmp_json_parse_error(p, "key is not a string in object");
        goto fail;
    }
    token = qmp_json_pop(p);
    if (!token) {
        qmp_json_parse_error(p, "premature EOI");
        goto fail;
    }
    if (token->type != QMP_JSON_COLON) {
        qmp_json_parse_error(p, "missing : in object pair");
        goto fail;
    }
    value = qmp_json_parse_value(p);
    if (!value) {
        qmp_json_parse_error(p, "Missing value in dict");
        goto fail;
    }
    if (json_object_get(dict, json_string_value(key))) {
        qmp_json_parse_error(p, "duplicate key");
        goto fail;
    }
    json_object_set_new(dict, json_string_value(key), value);
    json_decref(key);
    return true;
fail:
    json_decref(value);
    json_decref(key);
    return false;
}

/* Elements of an object or array after its opening token was popped. */
static json_t *qmp_json_parse_container(QmpJsonParser *p, bool is_object)
{
    QmpJsonTokenType close = is_object ? QMP_JSON_RCURLY : QMP_JSON_RSQUARE;
    json_t *container = is_object ? json_object() : json_array();
    QmpJsonToken *token = qmp_json_peek(p);
    json_t *elem;

    if (token && token->type == close) {
        qmp_json_pop(p);
        return container;
    }
    do {
        if (is_object) {
            if (!qmp_json_parse_pair(p, container)) {
                goto fail;
            }
        } else {
            elem = qmp_json_parse_value(p);
            if (!elem) {
                qmp_json_parse_error(p, "expecting value");
                goto fail;
            }
            json_array_append_new(container, elem);
        }
        token = qmp_json_pop(p);
        if (!token) {
            qmp_json_parse_error(p, "premature EOI");
            goto fail;
        }
        if (token->type != close && token->type != QMP_JSON_COMMA) {
            qmp_json_parse_error(p, is_object ? "expected separator in dict"
                                              : "expected separator in list");
            goto fail;
        }
    } while (token->type != close);
    return container;
fail:
    json_decref(container);
    return NULL;
}

static json_t *qmp_json_parse_value(QmpJsonParser *p)
{
    QmpJsonToken *token = qmp_json_peek(p);

    if (!token) {
        qmp_json_parse_error(p, "premature EOI");
        return NULL;
    }
    switch (token->type) {
    case QMP_JSON_LCURLY:
    case QMP_JSON_LSQUARE:
        qmp_json_pop(p);
        return qmp_json_parse_container(p, token->type == QMP_JSON_LCURLY);
    case QMP_JSON_STRING:
        return qmp_json_parse_string(p, qmp_json_pop(p));
    case QMP_JSON_INTEGER:
    case QMP_JSON_FLOAT:
        return qmp_json_parse_number(qmp_json_pop(p));
    case QMP_JSON_KEYWORD:
        return qmp_json_parse_keyword(p, qmp_json_pop(p));
    default:
        qmp_json_parse_error(p, "expecting value");
        return NULL;
    }
}

static json_t *qmp_json_parse_tokens(GPtrArray *tokens, Error **errp)
{
    QmpJsonParser p = { .tokens = tokens };
    json_t *value = qmp_json_parse_value(&p);

    if (p.err) {
        json_decref(value);
        error_propagate(errp, p.err);
        return NULL;
    }
    return value;
}

/* ---- whole-string parsing ---- */

typedef struct QmpJsonParseResult {
    json_t *value;
    Error *err;
    int nb_values;
} QmpJsonParseResult;

static void qmp_json_parse_collect(void *opaque, json_t *value, Error *err)
{
    QmpJsonParseResult *res = opaque;

    if (!res->err && ++res->nb_values == 1) {
        res->value = value;
        res->err = err;
        return;
    }
    json_decref(value);
    error_free(err);
    if (!res->err) {
        error_setg(&res->err, "Expecting at most one JSON value");
    }
}

json_t *qmp_json_parse(const char *str, Error **errp)
{
    QmpJsonParseResult res = { 0 };
    QmpJsonStream *stream = qmp_json_stream_new(qmp_json_parse_collect,
                                                &res);

    qmp_json_stream_feed(stream, str, strlen(str));
    qmp_json_stream_flush(stream);
    if (!res.err && (stream->tokens->len ||
                     stream->state != QMP_LEX_START)) {
        error_setg(&res.err, "JSON parse error, premature end of input");
    }
    qmp_json_stream_free(stream);
    if (!res.err && !res.nb_values) {
        error_setg(&res.err, "Expecting a JSON value");
    }
    if (res.err) {
        json_decref(res.value);
        error_propagate(errp, res.err);
        return NULL;
    }
    return res.value;
}

/* ---- the writer ---- */

static void qmp_json_write_string(GString *out, const char *str, size_t len)
{
    const char *end = str + len;
    gunichar cp;

    g_string_append_c(out, '"');
    while (str < end) {
        cp = *str ? g_utf8_get_char_validated(str, end - str) : 0;
        if (cp == (gunichar)-1 || cp == (gunichar)-2) {
            cp = 0xfffd;    /* invalid UTF-8: the replacement character */
            str++;
        } else {
            str = cp ? g_utf8_next_char(str) : str + 1;
        }
        switch (cp) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        default:
            if (cp > 0xffff) {
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xd800 + ((cp - 0x10000) >> 10),
                                       0xdc00 + ((cp - 0x10000) & 0x3ff));
            } else if (cp < 0x20 || cp >= 0x7f) {
                g_string_append_printf(out, "\\u%04X", cp);
            } else {
                g_string_append_c(out, cp);
            }
        }
    }
    g_string_append_c(out, '"');
}

static void qmp_json_write_value(GString *out, json_t *value, bool pretty,
                                 int depth);

/* Before a member: ",", then a newline and indent (pretty) or a space. */
static void qmp_json_write_sep(GString *out, bool first, bool pretty,
                               int depth)
{
    if (!first) {
        g_string_append_c(out, ',');
    }
    if (pretty) {
        g_string_append_printf(out, "\n%*s", depth * 4, "");
    } else if (!first) {
        g_string_append_c(out, ' ');
    }
}

static void qmp_json_write_container(GString *out, json_t *value,
                                     bool pretty, int depth)
{
    bool is_object = json_is_object(value);
    const char *key;
    json_t *elem;
    size_t i;
    bool first = true;

    g_string_append_c(out, is_object ? '{' : '[');
    if (is_object) {
        json_object_foreach(value, key, elem) {
            qmp_json_write_sep(out, first, pretty, depth + 1);
            qmp_json_write_string(out, key, strlen(key));
            g_string_append(out, ": ");
            qmp_json_write_value(out, elem, pretty, depth + 1);
            first = false;
        }
    } else {
        json_array_foreach(value, i, elem) {
            qmp_json_write_sep(out, first, pretty, depth + 1);
            qmp_json_write_value(out, elem, pretty, depth + 1);
            first = false;
        }
    }
    if (pretty) {
        g_string_append_printf(out, "\n%*s", depth * 4, "");
    }
    g_string_append_c(out, is_object ? '}' : ']');
}

static void qmp_json_write_value(GString *out, json_t *value, bool pretty,
                                 int depth)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    switch (json_typeof(value)) {
    case JSON_OBJECT:
    case JSON_ARRAY:
        qmp_json_write_container(out, value, pretty, depth);
        break;
    case JSON_STRING:
        qmp_json_write_string(out, json_string_value(value),
                              json_string_length(value));
        break;
    case JSON_INTEGER:
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT,
                               json_integer_value(value));
        break;
    case JSON_REAL:
        g_string_append(out, g_ascii_formatd(buf, sizeof(buf), "%.17g",
                                             json_real_value(value)));
        break;
    case JSON_TRUE:
        g_string_append(out, "true");
        break;
    case JSON_FALSE:
        g_string_append(out, "false");
        break;
    case JSON_NULL:
        g_string_append(out, "null");
        break;
    }
}

char *qmp_json_to_string(json_t *value, bool pretty)
{
    GString *out = g_string_new(NULL);

    qmp_json_write_value(out, value, pretty, 0);
    return g_string_free(out, false);
}
