package nodecast;

import static nodecast.FuzzTest.BOUND_MILLIS;
import static nodecast.FuzzTest.WAIT;
import static nodecast.Printable.escape;
import static nodecast.PublishOracle.KEY;
import static nodecast.PublishOracle.MAX_BODY;
import static nodecast.PublishOracle.MAX_LENGTH;
import static nodecast.RawRequest.latin1Bytes;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import nodecast.FuzzCase.Expect;
import nodecast.FuzzCase.Publish;
import nodecast.FuzzCase.Stores;
import nodecast.PublishOracle.Verdict;
import nodecast.http.MessageQuery;

/**
 * Draws the requests from one seeded random. Each kind of request has a label that names the
 * kind, never its random parts, so the report can count kinds.
 */
final class FuzzRequests {
    private static final String JQUERY = "/webjars/jquery/4.0.0/jquery.min.js";
    /**
     * Publishing refuses any Transfer-Encoding (411, connection closed) before reading the body:
     * Undertow's chunked decoder forgives malformed framing, so no chunked body may store anything.
     */
    private static final Expect CHUNKS_REFUSED = new Expect("POST", Set.of(411), Publish.REFUSED, -1);
    private static final String[] PIECES = {"a", "b", "Z", "0", "9", " ", "  ", "!", "\"", "#", "$", "%", "&", "'", "(", ")",
        "*", "+", ",", "-", ".", "/", ":", ";", "<", ">", "=", "?", "@", "[", "\\", "]", "^", "_", "`", "{", "|", "}", "~",
        "\n", "\t", "\r\n", "é", "ß", "ü", "漢", "字", "ش", "ש", "🌍", "👍🏽", "𝟏", "\u200B", "\uFEFF", "\uFFFD", "\u00A0",
        "e\u0301", "<x-fuzz>", "&amp;", "%41", "+1", "hello", "world", "nodecast", "<script>alert(1)</script>"};
    /** Single code points, for texts of an exact length. */
    private static final int[] CODE_POINTS = "aZ9 .-_~é漢ش🌍𝟏\u00A0".codePoints().toArray();

    private final Random random;
    private final String logId;
    private final int port;
    private int number;

    FuzzRequests(Random random, String logId, int port) {
        this.random = random;
        this.logId = logId;
        this.port = port;
    }

    List<FuzzCase> all() {
        List<FuzzCase> cases = new ArrayList<>();
        repeat(cases, 1_000, this::idCase);
        repeat(cases, 400, this::queryCase);
        repeat(cases, 1_400, this::formCase);
        repeat(cases, 400, this::methodCase);
        repeat(cases, 450, this::pathCase);
        repeat(cases, 600, this::headerCase);
        repeat(cases, 250, this::framingCase);
        repeat(cases, 120, this::pipelineCase);
        Collections.shuffle(cases, random);
        return cases;
    }

    private void repeat(List<FuzzCase> cases, int n, Supplier<FuzzCase> next) {
        for (int i = 0; i < n; i++) {
            cases.add(next.get());
        }
    }

    // -- small helpers --

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private int between(int low, int high) {
        return low + random.nextInt(high - low + 1);
    }

    private FuzzCase one(String category, String label, RawRequest r, Expect expect, boolean halfClose, boolean mayClose) {
        return new FuzzCase(++number, category, label, List.of(r.bytes()), 0, halfClose, mayClose ? 0 : 1, List.of(expect), BOUND_MILLIS);
    }

    private FuzzCase raw(String category, String label, byte[] bytes) {
        return new FuzzCase(++number, category, label, List.of(bytes), 0, true, 0, List.of(Expect.any("GET")), BOUND_MILLIS);
    }

    private long hugeId() {
        return pick(1_000_000L, MessageQuery.MAX_ID, 1L << 40, 1_000_000L + (long) (random.nextDouble() * (MessageQuery.MAX_ID - 1_000_000L)));
    }

    private String randomText(int maxPieces) {
        StringBuilder text = new StringBuilder();
        for (int i = between(1, maxPieces); i > 0; i--) {
            text.append(pick(PIECES));
        }
        return text.toString();
    }

    private String textOfCodePoints(int n) {
        StringBuilder text = new StringBuilder("a");
        for (int i = 1; i < n; i++) {
            text.appendCodePoint(CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
        }
        return text.toString();
    }

    /** A value as form bytes, in one of several equally valid encodings. */
    private byte[] encode(String value) {
        switch (random.nextInt(5)) {
            case 0:
                return latin1Bytes(URLEncoder.encode(value, StandardCharsets.UTF_8));
            case 1:
                return latin1Bytes(percentEncodeAll(value));
            case 2:
                return latin1Bytes(percentEncodeAll(value).toLowerCase(Locale.ROOT));
            default:
                boolean mixed = random.nextBoolean();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
                    boolean special = b == '&' || b == '=' || b == '+' || b == '%';
                    if (special || (mixed && random.nextBoolean())) {
                        out.writeBytes(latin1Bytes(String.format(random.nextBoolean() ? "%%%02X" : "%%%02x", b & 0xff)));
                    } else {
                        out.write(b); // raw bytes, even non-ASCII and newlines: the server decodes bytes
                    }
                }
                return out.toByteArray();
        }
    }

    private static byte[] pair(String name, byte[] value) {
        return concat(latin1Bytes(name), latin1Bytes("="), value);
    }

    private static byte[] join(List<byte[]> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < pairs.size(); i++) {
            if (i > 0) {
                out.write('&');
            }
            out.writeBytes(pairs.get(i));
        }
        return out.toByteArray();
    }

    /** UTF-8 bytes as a string of ISO-8859-1 chars, to put raw non-ASCII bytes into a request line or header. */
    private static String rawUtf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String percentEncodeAll(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append(String.format("%%%02X", b & 0xff));
        }
        return out.toString();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A publish the oracle stores, with the key as a Bearer token, asking for JSON. */
    private RawRequest validPublish(String path) {
        String text = randomText(8) + " #" + (number + 1);
        return new RawRequest("POST", path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .body(join(List.of(pair("text", encode(text)))));
    }

    private Expect judged(RawRequest r, byte[] effectiveBody, boolean certain) {
        Verdict v = PublishOracle.judge(r, effectiveBody, false);
        Publish publish = v.text() == null ? Publish.REFUSED : new Publish(certain ? Stores.ALWAYS : Stores.MAYBE, v.text());
        return new Expect(r.method, certain ? Set.of(v.status()) : Set.of(), publish, -1);
    }

    // -- ids --

    private record IdQuery(String label, String query, Set<Integer> statuses, long fromId) {
    }

    private IdQuery valid(String label, String query, long fromId) {
        return new IdQuery(label, query, Set.of(200), fromId);
    }

    private IdQuery refused(String label, String query) {
        return new IdQuery(label, query, Set.of(400), -1);
    }

    private FuzzCase idCase() {
        String path = chance(0.45) ? "/wait" : "/since";
        IdQuery q = idQuery();
        RawRequest r = new RawRequest("GET", q.query() == null ? path : path + "?" + q.query());
        return one("ids", q.label(), r, Expect.messages(q.fromId(), q.statuses()), false, false);
    }

    private IdQuery idQuery() {
        int k = random.nextInt(100);
        if (k < 25) {
            long id = random.nextInt(500);
            return valid("small id", "id=" + id, id);
        } else if (k < 31) {
            long id = hugeId();
            return valid("large id", "id=" + id, id);
        } else if (k < 35) {
            long id = random.nextInt(100);
            return chance(0.5) ? valid("zero-padded id of 16 digits", String.format("id=%016d", id), id)
                    : refused("zero-padded id of 17 digits", String.format("id=%017d", id));
        } else if (k < 40) {
            return refused("negative id", "id=" + pick("-1", "-0", "-9223372036854775808", "-" + random.nextInt(1000), "%2D1", "--1"));
        } else if (k < 45) {
            return refused("id too large", "id=" + pick("9007199254740992", "9223372036854775807", "9223372036854775808",
                    "99999999999999999999", "1" + "0".repeat(between(17, 400)), "18446744073709551616"));
        } else if (k < 50) {
            return refused("unicode digits in id", "id=" + percentEncodeAll(pick("١٢", "١", "１", "१२३", "²", "𝟏", "٣1", "1١", "⑦", "Ⅻ", "߁")));
        } else if (k < 54) {
            return refused("empty id", pick("id=", "id", "id=&", "&id=", "id=&x=1"));
        } else if (k < 59) {
            return refused("repeated id", pick("id=1&id=2", "id=3&id=3", "id=&id=1", "id=1&x=2&id=1", "id=0&id=0&id=0"));
        } else if (k < 62) {
            long id = random.nextInt(100);
            return valid("percent-encoded digits in id", "id=" + percentEncodeAll(Long.toString(id)), id);
        } else if (k < 69) {
            return refused("percent junk in id", "id=" + pick("%", "%2", "%zz", "%G1", "1%", "%%31", "%00", "1%00", "%C0%B1",
                    "%FF", "%E2%80%8B1", "%31%", "%u0031", "%0A1", "1%0D%0A", "%2B1", "+1", "1+", "%201", "1%20", "%EF%BC%91"));
        } else if (k < 74) {
            return refused("non-numeric id", "id=" + pick("abc", "0x10", "1e3", "1.0", "1_000", "NaN", "Infinity", "null",
                    "true", "[]", "%7B%7D", "1,2", "0b1", "1L", "0o7", "--", "%22%22"));
        } else if (k < 79) {
            long id = random.nextInt(300);
            return switch (random.nextInt(4)) {
                case 0 -> valid("id with other params", "foo=bar&id=" + id + "&baz", id);
                case 1 -> valid("id with empty pairs", "&&id=" + id + "&&", id);
                case 2 -> valid("ID in capitals is not id", "ID=" + id, 0);
                default -> refused("id with a semicolon", "id=" + id + ";id=" + (id + 1));
            };
        } else if (k < 89) {
            long id = random.nextInt(300);
            return switch (random.nextInt(6)) {
                case 0 -> valid("id with the current log", "id=" + id + "&log=" + logId, id);
                case 1 -> new IdQuery("id with another log", "id=" + id + "&log=" + pick("some-older-log", "x", logId + "x",
                        logId.toUpperCase(Locale.ROOT), "%20" + logId), Set.of(409), -1);
                case 2 -> new IdQuery("id with an empty log", "id=" + id + "&log=", Set.of(409), -1);
                case 3 -> refused("repeated log", "id=" + id + "&log=" + logId + "&log=" + logId);
                case 4 -> new IdQuery("log with percent junk", "id=" + id + "&log=" + pick("%zz", "%", "%FF%FE", "%00"), Set.of(400, 409), -1);
                default -> refused("bad id with another log", "id=-1&log=nope");
            };
        } else if (k < 92) {
            return pick(valid("no query", null, 0), valid("empty query", "", 0));
        } else if (k < 96) {
            StringBuilder query = new StringBuilder("id=1");
            int params = pick(998, 999, 1_000, 1_001, 1_500);
            for (int i = 1; i < params; i++) {
                query.append("&p").append(i).append('=').append(i);
            }
            return new IdQuery("id among " + params + " params", query.toString(), params <= 1_000 ? Set.of(200) : Set.of(200, 400), 1);
        } else {
            return refused("very long id", "id=" + pick("1".repeat(between(20, 8_000)), "a".repeat(between(1, 8_000)), "%31".repeat(between(20, 3_000))));
        }
    }

    // -- queries --

    private String junkQuery() {
        List<String> parts = new ArrayList<>();
        for (int i = between(1, 6); i > 0; i--) {
            parts.add(pick("a=1", "a", "=", "==", "a==b", "%zz", "%", "%2", "x=%FF", "x=%C0%AF", "x=%00", "%00=x", "a[]=1",
                    "a.b.c=2", "x=" + "y".repeat(between(0, 4_000)), "x=%E6%BC%A2", "x=+%2B+", "x=;", "x=?", "x=/", "x=..%2F..%2F",
                    "key=%3Cx-fuzz%3E%22%27", "key=" + KEY, "key=" + "k".repeat(between(1, 3_000)), "key=", "key", "key=a&key=b",
                    "key=%3Cx-fuzz+a%3D%22b%22%3E", "text=hello", "x=%0D%0ASet-Cookie:%20a=b", "%3D=%26", "x=%E2%80%AE"));
        }
        return String.join("&", parts);
    }

    private FuzzCase queryCase() {
        String path = pick("/healthz", "/readyz", "/metrics", "/", "/index.html", "/message-form", "/message-form", "/app.js",
                "/style.css", "/since", "/wait", JQUERY);
        if (chance(0.08)) {
            String target = path + "?x=" + rawUtf8(pick("ünï", "漢字", "🌍", "\u0085")) + (chance(0.5) ? "&y=\u00ff" : "");
            return one("queries", "raw non-ASCII bytes in the query", new RawRequest("GET", target), Expect.any("GET"), true, true);
        }
        RawRequest r = new RawRequest("GET", path + "?" + junkQuery());
        Expect expect = path.equals("/since") || path.equals("/wait") ? Expect.messages(0, Set.of(200, 400))
                : Expect.status("GET", 200, 400);
        return one("queries", "junk query on " + (path.startsWith("/webjars") ? "/webjars" : path), r, expect, false, false);
    }

    // -- form bodies --

    private FuzzCase formCase() {
        boolean clear = chance(0.15);
        String path = clear ? "/clear-messages" : "/submit-message";
        while (true) {
            RawRequest r = new RawRequest("POST", path);
            List<byte[]> pairs = new ArrayList<>();
            String label = formFields(pairs);
            String keyLabel = placeKey(r, pairs);
            Collections.shuffle(pairs, random);
            byte[] body = join(pairs);
            if (chance(0.1)) {
                body = concat(latin1Bytes(pick("&", "&&", "")), body, latin1Bytes(pick("&", "&&", "")));
            }
            if (label.equals("body near 64 KiB")) {
                int target = MAX_BODY + pick(-1, 0, 1, 2, 100);
                int pad = Math.max(0, target - body.length - 5);
                body = concat(body, latin1Bytes("&pad="), "a".repeat(pad).getBytes(StandardCharsets.US_ASCII));
                label = body.length > MAX_BODY ? "body just over 64 KiB" : "body at or under 64 KiB";
            }
            if (label.equals("binary body")) {
                body = new byte[between(0, 3_000)];
                random.nextBytes(body);
                if (chance(0.5)) {
                    body = concat(latin1Bytes("text="), body);
                }
            }
            r.body(body);
            String type = contentType(r);
            accept(r);
            Verdict v = PublishOracle.judge(r, body, clear);
            if (v.clears()) {
                continue; // a valid clear would empty the log under every other request's feet
            }
            Publish publish = clear ? Publish.REFUSED : v.text() == null ? Publish.REFUSED : new Publish(Stores.ALWAYS, v.text());
            Expect expect = new Expect("POST", Set.of(v.status()), publish, -1);
            String category = clear ? "clear: " : "";
            return one("forms", category + label + (type.isEmpty() ? "" : ", " + type) + keyLabel, r, expect, false, false);
        }
    }

    /** Adds the fields of one kind of body (without the key); returns the kind. */
    private String formFields(List<byte[]> pairs) {
        int k = random.nextInt(100);
        if (k < 34) {
            pairs.add(pair("text", encode(randomText(12))));
            if (chance(0.3)) {
                pairs.add(pair(pick("submit", "x", "Text", "text2"), encode(randomText(3))));
            }
            return "valid text";
        } else if (k < 42) {
            int length = MAX_LENGTH + pick(-1, 0, 0, 1, 2, -1000);
            pairs.add(pair("text", encode(textOfCodePoints(length))));
            return length <= MAX_LENGTH ? "text at the length limit" : "text over the length limit";
        } else if (k < 45) {
            pairs.add(pair("text", encode(textOfCodePoints(between(1, 300)))));
            return "body near 64 KiB";
        } else if (k < 47) {
            pairs.add(pair("text", pick("x".repeat(70_000), "x".repeat(between(65_537, 140_000))).getBytes(StandardCharsets.US_ASCII)));
            return "body over 64 KiB";
        } else if (k < 54) {
            byte[] good = encode(randomText(6));
            int at = random.nextInt(good.length + 1);
            byte[] junk = latin1Bytes(pick("%", "%4", "%zz", "%G0", "%%", "%-1", "%+1", "% 1", "%u00e9", "%\u00e9\u00e9"));
            pairs.add(pair("text", concat(Arrays.copyOf(good, at), junk, Arrays.copyOfRange(good, at, good.length))));
            return "bad percent-escape";
        } else if (k < 61) {
            byte[] good = encode(randomText(6));
            byte[] junk = chance(0.7)
                    ? latin1Bytes(pick("%C0%AF", "%ED%A0%80", "%FF", "%80", "%E2%82", "%F4%90%80%80", "%F8%88%80%80%80", "%C3", "%EF%BF"))
                    : new byte[] {(byte) (int) pick(0xff, 0xc3, 0x80, 0xfe, 0xed)};
            pairs.add(pair("text", chance(0.5) ? concat(good, junk) : concat(junk, good)));
            return "invalid UTF-8";
        } else if (k < 64) {
            pairs.add(pair("text", concat(encode(randomText(3)), rawUtf8(pick("ünïcødé", "漢字", "🌍", "שלום")).getBytes(StandardCharsets.ISO_8859_1))));
            return "raw UTF-8 bytes";
        } else if (k < 67) {
            return "binary body";
        } else if (k < 71) {
            switch (random.nextInt(4)) {
                case 0 -> pairs.add(pair("text", concat(encode("a"), new byte[] {0}, encode("b"))));
                case 1 -> pairs.add(pair("text", latin1Bytes("a%00b")));
                case 2 -> {
                    pairs.add(pair("text", encode(randomText(4))));
                    pairs.add(concat(latin1Bytes("x"), new byte[] {0}, latin1Bytes("=y")));
                }
                default -> {
                    pairs.add(pair("text", encode(randomText(4))));
                    pairs.add(pair("x", new byte[] {0, 0, 0}));
                }
            }
            return "NUL bytes";
        } else if (k < 75) {
            String control = new String(Character.toChars(pick(0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x85, 0x9b)));
            pairs.add(pair("text", encode("a" + control + "b")));
            return "control character";
        } else if (k < 80) {
            String twice = pick("text", "key", "x", "te%78t");
            pairs.add(pair("text", encode(randomText(4))));
            pairs.add(pair(twice, encode(twice.equals("key") ? KEY : randomText(3))));
            if (chance(0.3)) {
                pairs.add(pair("%3Cx-fuzz%3E", latin1Bytes("1")));
                pairs.add(pair("%3Cx-fuzz%3E", latin1Bytes("2")));
            }
            return "repeated field";
        } else if (k < 85) {
            String name = pick("Text", "TEXT", "txt", "text ", "te%78t", "%74%65%78%74", "text%00", "", "message");
            pairs.add(pair(name, encode(randomText(4))));
            return "missing or disguised text field";
        } else if (k < 91) {
            pairs.add(pick(latin1Bytes("text="), latin1Bytes("text"), latin1Bytes("text=+"), latin1Bytes("text=%20%0A%09"),
                    latin1Bytes("text=%E3%80%80"), latin1Bytes("text=%C2%A0"), latin1Bytes("text=%E2%80%8B"), latin1Bytes("text=++++")));
            return "empty or blank text";
        } else {
            pairs.add(pick(latin1Bytes("text=a=b=c"), latin1Bytes("=text"), latin1Bytes("text==x"), latin1Bytes("text=a;key=b"),
                    latin1Bytes("text=%26key%3D" + KEY), latin1Bytes("text=x&=y"), latin1Bytes("text=x&flag")));
            return "odd separators";
        }
    }

    /** Puts the key (right, wrong or none) in a header or a field; returns how. */
    private String placeKey(RawRequest r, List<byte[]> pairs) {
        int k = random.nextInt(100);
        if (k < 40) {
            r.header("Authorization", "Bearer " + KEY);
            return "";
        } else if (k < 58) {
            pairs.add(pair("key", chance(0.3) ? latin1Bytes(percentEncodeAll(KEY)) : latin1Bytes(KEY)));
            return " (key in the form)";
        } else if (k < 63) {
            r.header("Authorization", pick("bearer ", "BEARER ", "Bearer    ", "Bearer \t") + KEY + pick("", "  "));
            return " (odd but right Bearer header)";
        } else if (k < 73) {
            return " (no key)";
        } else if (k < 81) {
            r.header("Authorization", pick("Bearer wrong", "Bearer " + KEY + "x", "Bearer " + KEY.toUpperCase(Locale.ROOT),
                    "Basic " + KEY, "Bearer", "Bearer " + "k".repeat(5_000), "Bearer" + KEY, KEY));
            return " (wrong header)";
        } else if (k < 88) {
            pairs.add(pair("key", encode(pick("wrong", KEY + " ", KEY.substring(1), "", KEY + "%00"))));
            return " (wrong key field)";
        } else if (k < 93) {
            r.header("Authorization", "Bearer nope");
            pairs.add(pair("key", latin1Bytes(KEY)));
            return " (wrong header, right field)";
        } else if (k < 97) {
            r.header("Authorization", pick("Basic dXNlcjpwYXNz", "Token abc", "Bearer")).header("X-Note", "field decides");
            pairs.add(pair("key", latin1Bytes(KEY)));
            return " (non-Bearer header, right field)";
        } else {
            r.header("Authorization", "Bearer " + KEY);
            pairs.add(pair("key", latin1Bytes(KEY)));
            return " (key in both)";
        }
    }

    /** Sets a Content-Type; returns "" for the usual one, else what it did. */
    private String contentType(RawRequest r) {
        if (chance(0.75)) {
            r.header("Content-Type", "application/x-www-form-urlencoded");
            return "";
        }
        String type = pick("application/x-www-form-urlencoded; charset=UTF-8", "APPLICATION/X-WWW-FORM-URLENCODED",
                "application/x-www-form-urlencodedXYZ", "text/plain", "application/json", "multipart/form-data; boundary=x",
                "application/octet-stream", null, "application/x-www-form-urlencoded;charset=iso-8859-1", "*/*",
                "application/x-www-form-urlencoded, text/plain", "text/html; application/x-www-form-urlencoded", "x");
        if (type == null) {
            return "no Content-Type";
        }
        r.header("Content-Type", type);
        return "Content-Type " + (type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded") ? "form variant" : "not a form");
    }

    private void accept(RawRequest r) {
        String accept = chance(0.7) ? "application/json"
                : pick("text/html", null, "*/*", "text/html, application/json;q=0.9", "text/html,application/xhtml+xml,*/*;q=0.8", "image/png");
        if (accept != null) {
            r.header("Accept", accept);
        }
    }

    // -- methods --

    private static final String[] STANDARD = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
    private static final String[] ODD_TOKENS = {"TRACE", "CONNECT", "get", "Post", "PROPFIND", "MKCOL", "M-SEARCH", "X", "FOO_BAR",
        "LINK", "PURGE", "GETS", "POST1", "A".repeat(100), "A".repeat(5_000)};
    private static final String[] GARBAGE_TOKENS = {"G@T", "GE(T", "GET\u0000", "\u00c9T", "{}", "GET/", "G\"T", "P,OST", "\u0007",
        "GET:", "\u00ff\u00fe", "<x>"};

    private FuzzCase methodCase() {
        int k = random.nextInt(100);
        String kind = k < 55 ? "standard" : k < 80 ? "odd token" : "garbage token";
        String method = kind.equals("standard") ? pick(STANDARD) : kind.equals("odd token") ? pick(ODD_TOKENS) : pick(GARBAGE_TOKENS);
        String path = pick("/wait?id=" + hugeId(), "/since?id=0", "/submit-message", "/submit-message", "/clear-messages",
                "/message-form", "/", "/index.html", "/healthz", "/readyz", "/metrics", JQUERY, "/nope");
        String shownMethod = method.length() > 20 ? "A x " + method.length() : method;
        String label = kind + " method " + escape(latin1Bytes(shownMethod), 30) + " on " + path.replaceAll("\\?.*", "");
        RawRequest r;
        Expect expect;
        boolean lenient = !kind.equals("standard") || method.equals("CONNECT") || method.equals("TRACE");
        if (path.equals("/submit-message")) {
            r = validPublish(path);
            r.method = method;
            expect = lenient ? new Expect(method, Set.of(), method.equals("POST") ? judged(r, r.body, true).publish() : Publish.REFUSED, -1)
                    : judged(r, r.body, true);
        } else if (path.equals("/clear-messages")) {
            r = new RawRequest(method, path).header("Accept", "application/json").header("Content-Type", "application/x-www-form-urlencoded").body(new byte[0]);
            if (!method.equals("POST")) {
                r.header("Authorization", "Bearer " + KEY); // the right key must not help any other method clear
            }
            expect = new Expect(method, lenient ? Set.of() : Set.of(method.equals("POST") ? 401 : 405), Publish.REFUSED, -1);
        } else {
            r = new RawRequest(method, path);
            if (chance(0.2)) {
                r.body(latin1Bytes("a=1"));
            }
            boolean getOnly = path.startsWith("/wait") || path.startsWith("/since") || path.equals("/message-form")
                    || path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics");
            if (lenient || !getOnly) {
                expect = Expect.any(method);
            } else if (method.equals("GET")) {
                expect = path.startsWith("/wait") || path.startsWith("/since")
                        ? Expect.messages(Long.parseLong(path.substring(path.indexOf('=') + 1)), Set.of(200))
                        : Expect.status("GET", 200);
            } else {
                expect = Expect.status(method, 405);
            }
        }
        boolean garbage = kind.equals("garbage token") || method.length() > 1_000;
        return one("methods", label, r, expect, garbage && !path.startsWith("/wait"), garbage);
    }

    // -- paths --

    private static final String[] TRAVERSALS = {"/../nodecast/Main.class", "/..%2fnodecast/Main.class", "/%2e%2e/nodecast/Main.class",
        "/nodecast/Main.class", "/web/index.html", "/simplelogger.properties", "/webjars/../nodecast/Main.class",
        "/webjars/..%2f..%2fnodecast/Main.class", "/%2e%2e%2f%2e%2e%2fetc/passwd", "/../../../../etc/passwd", "/META-INF/MANIFEST.MF",
        "/src/main/java/nodecast/Main.java", "/webjars/", "/webjars/jquery/", "/..\\nodecast\\Main.class", "/%5c..%5cnodecast%5cMain.class",
        "/%252e%252e/nodecast/Main.class", "/%c0%ae%c0%ae/nodecast/Main.class", "/.%2e/.%2e/etc/passwd", "/;/../nodecast/Main.class",
        "/%2e%2e;/nodecast/Main.class", "/webjars/jquery/4.0.0/../../../nodecast/Main.class", "/webjars/jquery/4.0.0/%2e%2e/%2e%2e/%2e%2e/pom.xml",
        "/..;/..;/etc/passwd", "/index.html/../../nodecast/Main.class", "/web/../nodecast/Main.class", "/./../nodecast/Main.class",
        "/....//....//etc/passwd", "/%2F..%2F..%2Fetc%2Fpasswd", "/webjars%2fjquery%2f4.0.0%2fjquery.min.js", "/%2F", "/%00",
        "/index.html%00.js", "/index.html;jsessionid=1", "/INDEX.HTML", "/index.html/", "/index.html.", "/.", "/..", "/.../",
        "//index.html", "/./index.html", "*", "since", "http://127.0.0.1/since?id=0", "http://evil.example/index.html",
        "/a%0d%0aSet-Cookie:%20x=1", "/%C3%BC", "/%FF", "/%E6%BC%A2%E5%AD%97", "/webjars/jquery/../jquery/4.0.0/jquery.min.js",
        "/", "/index.html", "/app.js", "/style.css", "/message-form", JQUERY, "/wait/", "/since/", "/healthz/", "/metrics;x"};
    private static final String[] ALIASES = {"/submit-message/", "//submit-message", "/submit-message;a=b", "/./submit-message",
        "/x/../submit-message", "/submit%2Dmessage", "/SUBMIT-MESSAGE", "/submit-message%00", "/submit-message%20", "/submit-message?x=1",
        "/submit-message?text=ignored", "http://127.0.0.1/submit-message"};

    private FuzzCase pathCase() {
        int k = random.nextInt(100);
        String method = chance(0.8) ? "GET" : "HEAD";
        if (k < 10) {
            String alias = pick(ALIASES);
            RawRequest r = validPublish(alias);
            Expect judged = judged(r, r.body, false);
            return one("paths", "post to an alias of /submit-message: " + alias, r,
                    new Expect("POST", Set.of(), judged.publish(), -1), false, false);
        } else if (k < 70) {
            String target = pick(TRAVERSALS);
            return one("paths", "traversal or odd path " + target, new RawRequest(method, target), Expect.any(method), false, false);
        } else if (k < 82) {
            int length = pick(1_000, 8_000, 15_000);
            String target = "/" + (chance(0.5) ? "a".repeat(length) : "a/".repeat(length / 2));
            return one("paths", "long path (" + length + " bytes)", new RawRequest(method, target), Expect.any(method), false, false);
        } else if (k < 86) {
            String target = "/" + "b".repeat(between(17_000, 40_000));
            return one("paths", "path over the 16 KiB head limit", new RawRequest(method, target), Expect.any(method), true, true);
        } else if (k < 94) {
            String target = "/" + rawUtf8(pick("ünïcødé", "漢字", "🌍", "index.html\u00a0")) + (chance(0.5) ? "/x" : "");
            return one("paths", "raw non-ASCII bytes in the path", new RawRequest(method, target), Expect.any(method), true, true);
        } else {
            String target = "/" + pick("a\u0001b", "a\u007fb", "a\u0000b", "a\u001bb", "a\tb", "a\rb");
            return one("paths", "raw control byte in the path", new RawRequest(method, target), Expect.any(method), true, true);
        }
    }

    // -- headers --

    private FuzzCase headerCase() {
        int k = random.nextInt(100);
        if (k < 8) {
            RawRequest r = validPublish("/submit-message");
            int length = random.nextInt(r.body.length);
            r.header("Content-Length", Integer.toString(length));
            byte[] prefix = Arrays.copyOf(r.body, length);
            return one("headers", "Content-Length shorter than the body", r, judged(r, prefix, true), false, false);
        } else if (k < 14) {
            RawRequest r = validPublish("/submit-message");
            r.header("Content-Length", Integer.toString(r.body.length + between(1, 500)));
            return one("headers", "Content-Length longer than the body, then EOF", r,
                    new Expect("POST", Set.of(), Publish.REFUSED, -1), true, true);
        } else if (k < 20) {
            RawRequest r = validPublish("/submit-message");
            int n = r.body.length;
            String value = pick("abc", "-1", "1e3", "+" + n, "0x10", n + " " + n, "", "99999999999999999999", "18446744073709551621",
                    "0" + n, n + ".0", "-" + n, "9223372036854775807");
            r.header("Content-Length", value);
            return one("headers", "odd Content-Length " + (value.equals("0" + n) ? "0N" : value.contains(Integer.toString(n)) ? value.replace(Integer.toString(n), "N") : value),
                    r, judged(r, r.body, false), true, true);
        } else if (k < 24) {
            RawRequest r = validPublish("/submit-message");
            boolean same = chance(0.5);
            r.header("Content-Length", Integer.toString(r.body.length)).header("Content-Length", same ? Integer.toString(r.body.length) : "3");
            return one("headers", same ? "two equal Content-Lengths" : "two different Content-Lengths", r, judged(r, r.body, false), true, true);
        } else if (k < 36) {
            RawRequest r = validPublish("/submit-message");
            byte[] plain = r.body;
            r.header("Transfer-Encoding", "chunked").body(chunked(plain));
            return one("headers", "valid chunked body", r, CHUNKS_REFUSED, false, false);
        } else if (k < 48) {
            return brokenChunked();
        } else if (k < 53) {
            RawRequest r = validPublish("/submit-message");
            byte[] plain = r.body;
            String variant = pick("TE and Content-Length", "Chunked", "gzip, chunked", "chunked, chunked", "identity", "xchunked", "chunked;q=1");
            if (variant.equals("TE and Content-Length")) {
                r.header("Transfer-Encoding", "chunked").header("Content-Length", Integer.toString(plain.length)).body(chunked(plain));
            } else {
                r.header("Transfer-Encoding", variant).body(variant.contains("hunked") ? chunked(plain) : plain);
            }
            // With both framing headers Undertow itself refuses the request (400), as HTTP asks, before nodecast sees it.
            Expect expect = variant.equals("TE and Content-Length") ? new Expect("POST", Set.of(400, 411), Publish.REFUSED, -1) : CHUNKS_REFUSED;
            return one("headers", "Transfer-Encoding " + variant, r, expect, true, true);
        } else if (k < 56) {
            RawRequest r = validPublish("/submit-message");
            byte[] plain = r.body;
            byte[] big = concat(plain, latin1Bytes("&pad="), "p".repeat(MAX_BODY).getBytes(StandardCharsets.US_ASCII));
            r.header("Transfer-Encoding", "chunked").body(chunked(big));
            return one("headers", "chunked body over 64 KiB", r, CHUNKS_REFUSED, true, true);
        } else if (k < 61) {
            RawRequest r = validPublish("/submit-message");
            if (chance(0.3)) {
                r.body(concat(r.body, latin1Bytes("&pad="), "p".repeat(MAX_BODY).getBytes(StandardCharsets.US_ASCII)));
            }
            r.header("Expect", "100-continue");
            return one("headers", "Expect: 100-continue", r, judged(r, r.body, true), false, false);
        } else if (k < 70) {
            return oversizedHead();
        } else if (k < 80) {
            return malformedHeader();
        } else if (k < 86) {
            RawRequest r = new RawRequest("GET", pick("/since?id=0", "/wait?id=" + hugeId(), "/healthz"));
            if (chance(0.5)) {
                r.body(latin1Bytes("text=hello&key=" + KEY));
            } else {
                r.header("Transfer-Encoding", "chunked").body(latin1Bytes("5\r\nhello\r\n0\r\n\r\n"));
            }
            long from = r.target.contains("id=") ? Long.parseLong(r.target.substring(r.target.indexOf('=') + 1)) : -1;
            Expect expect = from >= 0 ? Expect.messages(from, Set.of(200)) : Expect.status("GET", 200);
            return one("headers", "GET with a body", r, expect, false, false);
        } else if (k < 91) {
            RawRequest r = new RawRequest("GET", pick("/since?id=0", "/", "/healthz"));
            r.close = false;
            r.header("Connection", "Upgrade, close").header("Upgrade", pick("h2c", "websocket", "HTTP/2.0", "TLS/1.2"));
            if (chance(0.5)) {
                r.header("HTTP2-Settings", "AAMAAABkAAQAAP__").header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
            }
            return one("headers", "Upgrade request", r, Expect.any("GET"), false, false);
        } else {
            RawRequest r = validPublish("/submit-message");
            r.headers.removeIf(h -> h[0].equals("Accept"));
            String accept = pick("text/html", "TEXT/HTML", "application/json;q=0", "*/*;q=0.1", "text/html;" + "x".repeat(4_000),
                    "application/jsonx", "text/json");
            r.header("Accept", accept);
            if (chance(0.5)) {
                r.body(concat(r.body, latin1Bytes("&%3Cx-fuzz%3E=1&%3Cx-fuzz%3E=2")));
            }
            return one("headers", "odd Accept", r, judged(r, r.body, true), false, false);
        }
    }

    private byte[] chunked(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        boolean upper = random.nextBoolean();
        while (at < plain.length) {
            int n = Math.min(plain.length - at, between(1, Math.max(1, plain.length / 2 + 1)));
            String size = upper ? Integer.toHexString(n).toUpperCase(Locale.ROOT) : Integer.toHexString(n);
            if (chance(0.1)) {
                size = "00" + size;
            }
            if (chance(0.1)) {
                size = size + ";ext=" + pick("1", "\"q\"", "");
            }
            out.writeBytes(latin1Bytes(size + "\r\n"));
            out.write(plain, at, n);
            out.writeBytes(latin1Bytes("\r\n"));
            at += n;
        }
        out.writeBytes(latin1Bytes("0\r\n" + (chance(0.2) ? "X-Trailer: t\r\n" : "") + "\r\n"));
        return out.toByteArray();
    }

    private FuzzCase brokenChunked() {
        RawRequest r = validPublish("/submit-message");
        byte[] plain = r.body;
        int n = plain.length;
        String kind = pick("bad chunk size", "missing CRLF after chunk data", "chunk longer than its data, then EOF",
                "no last chunk, then EOF", "negative chunk size", "overflowing chunk size", "chunk data longer than its size",
                "chunk size with a space", "bare LF in chunk framing", "last chunk without the final CRLF, then EOF",
                "chunk size with junk extension");
        byte[] body = switch (kind) {
            case "bad chunk size" -> concat(latin1Bytes(pick("zz", "0x" + Integer.toHexString(n), "g", "") + "\r\n"), plain, latin1Bytes("\r\n0\r\n\r\n"));
            case "missing CRLF after chunk data" -> concat(latin1Bytes(Integer.toHexString(n) + "\r\n"), plain, latin1Bytes("0\r\n\r\n"));
            case "chunk longer than its data, then EOF" -> concat(latin1Bytes(Integer.toHexString(n + 50) + "\r\n"), plain, latin1Bytes("\r\n0\r\n\r\n"));
            case "no last chunk, then EOF" -> concat(latin1Bytes(Integer.toHexString(n) + "\r\n"), plain, latin1Bytes("\r\n"));
            case "negative chunk size" -> concat(latin1Bytes("-" + Integer.toHexString(n) + "\r\n"), plain, latin1Bytes("\r\n0\r\n\r\n"));
            case "overflowing chunk size" -> concat(latin1Bytes(pick("FFFFFFFFFFFFFFFFFFFFFFFF", "10000000000000000", "8000000000000000", "7FFFFFFFFFFFFFFF", "FFFFFFFF") + "\r\n"), plain, latin1Bytes("\r\n0\r\n\r\n"));
            case "chunk data longer than its size" -> concat(latin1Bytes(Integer.toHexString(Math.max(1, n - 3)) + "\r\n"), plain, latin1Bytes("\r\n0\r\n\r\n"));
            case "chunk size with a space" -> concat(latin1Bytes(Integer.toHexString(n) + " \r\n"), plain, latin1Bytes("\r\n0\r\n\r\n"));
            case "bare LF in chunk framing" -> concat(latin1Bytes(Integer.toHexString(n) + "\n"), plain, latin1Bytes("\n0\n\n"));
            case "last chunk without the final CRLF, then EOF" -> concat(latin1Bytes(Integer.toHexString(n) + "\r\n"), plain, latin1Bytes("\r\n0\r\n"));
            default -> concat(latin1Bytes(Integer.toHexString(n) + ";\u0000=\u00ff\r\n"), plain, latin1Bytes("\r\n0\r\n\r\n"));
        };
        r.header("Transfer-Encoding", "chunked").body(body);
        return one("headers", "broken chunked body: " + kind, r, CHUNKS_REFUSED, true, true);
    }

    private FuzzCase oversizedHead() {
        RawRequest r = new RawRequest("GET", "/since?id=0");
        // Counts are of header lines in all, Host and Connection included.
        String kind = pick("one header of 15 KiB", "one header of 17 KiB", "one header of 100 KiB", "headers of 20 KiB in all",
                "150 header lines", "200 header lines", "201 header lines", "300 header lines", "250 cookies");
        switch (kind) {
            case "one header of 15 KiB" -> r.header("X-Big", "v".repeat(15 * 1024));
            case "one header of 17 KiB" -> r.header("X-Big", "v".repeat(17 * 1024));
            case "one header of 100 KiB" -> r.header("X-Big", "v".repeat(100 * 1024));
            case "headers of 20 KiB in all" -> {
                for (int i = 0; i < 20; i++) {
                    r.header("X-Part-" + i, "v".repeat(1_000));
                }
            }
            case "250 cookies" -> r.header("Cookie", IntStream.range(0, 250).mapToObj(i -> "c" + i + "=" + i).collect(Collectors.joining("; ")));
            default -> {
                int count = Integer.parseInt(kind.substring(0, 3));
                for (int i = 2; i < count; i++) {
                    r.header("X-H" + i, "v");
                }
            }
        }
        boolean fits = kind.equals("one header of 15 KiB") || kind.equals("150 header lines") || kind.equals("200 header lines") || kind.equals("250 cookies");
        Expect expect = fits ? Expect.messages(0, Set.of(200)) : Expect.any("GET");
        return one("headers", "head: " + kind, r, expect, !fits, !fits);
    }

    private FuzzCase malformedHeader() {
        RawRequest r = new RawRequest("GET", pick("/since?id=0", "/", "/healthz"));
        String kind = pick("space in a header name", "header line without a colon", "empty header name", "NUL in a header value",
                "bare CR in a header value", "obsolete line folding", "raw UTF-8 in a header value", "raw UTF-8 in a header name",
                "no Host", "two Hosts", "Host with a space", "space before the colon", "control byte in a header name");
        switch (kind) {
            case "space in a header name" -> r.header("X Y", "z");
            case "header line without a colon" -> r.headers.add(new String[] {"NoColonHere", ""}); // written as "NoColonHere: " below
            case "empty header name" -> r.header("", "value");
            case "NUL in a header value" -> r.header("X-A", "a\u0000b");
            case "bare CR in a header value" -> r.header("X-A", "a\rb");
            case "obsolete line folding" -> r.header("X-A", "a\r\n b");
            case "raw UTF-8 in a header value" -> r.header("X-A", rawUtf8("ünïcødé 漢字"));
            case "raw UTF-8 in a header name" -> r.header(rawUtf8("X-ü"), "a");
            case "no Host" -> r.host = false;
            case "two Hosts" -> r.header("Host", "other.example");
            case "Host with a space" -> {
                r.host = false;
                r.header("Host", "a b");
            }
            case "space before the colon" -> r.header("X-A ", "b");
            default -> r.header("X\u0001A", "b");
        }
        byte[] bytes = r.bytes();
        if (kind.equals("header line without a colon")) {
            bytes = latin1Bytes(new String(bytes, StandardCharsets.ISO_8859_1).replace("NoColonHere: \r\n", "NoColonHere\r\n"));
        }
        return new FuzzCase(++number, "headers", "malformed head: " + kind, List.of(bytes), 0, true, 0, List.of(Expect.any("GET")), BOUND_MILLIS);
    }

    // -- framing --

    private FuzzCase framingCase() {
        String since = "/since?id=0";
        int k = random.nextInt(100);
        if (k < 15) {
            byte[] junk = new byte[between(1, 1_000)];
            random.nextBytes(junk);
            return raw("framing", "random bytes", junk);
        } else if (k < 22) {
            StringBuilder junk = new StringBuilder();
            for (int i = between(1, 6); i > 0; i--) {
                junk.append(randomText(6).replace("\n", "")).append(pick("\r\n", "\n", "\r"));
            }
            return raw("framing", "printable junk lines", latin1Bytes(rawUtf8(junk.toString())));
        }
        String[][] requests = {
            {"nothing", ""},
            {"only CRLFs", "\r\n\r\n"},
            {"method only", "GET\r\n\r\n"},
            {"HTTP/0.9 request line", "GET /\r\n\r\n"},
            {"bare LF line ends", "GET " + since + " HTTP/1.1\nHost: x\nConnection: close\n\n"},
            {"bare CR line ends", "GET " + since + " HTTP/1.1\rHost: x\rConnection: close\r\r"},
            {"HTTP/2.0 in the request line", "GET " + since + " HTTP/2.0\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"HTTP/1.2", "GET " + since + " HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"HTTP/9.9", "GET " + since + " HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"lower-case version", "GET " + since + " http/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"version without minor", "GET " + since + " HTTP/1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"version with three parts", "GET " + since + " HTTP/1.1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"other protocol", "GET " + since + " HTTX/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"HTTP/1.0", "GET " + since + " HTTP/1.0\r\n\r\n"},
            {"extra word after the version", "GET " + since + " HTTP/1.1 extra\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"double spaces in the request line", "GET  " + since + "  HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"tabs in the request line", "GET\t" + since + "\tHTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"space in the target", "GET /since id=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"leading space", " GET " + since + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"head never ends, then EOF", "GET " + since + " HTTP/1.1\r\nHost: x\r\n"},
            {"request line cut short, then EOF", "GET " + since + " HT"},
            {"NUL in the method", "GE\u0000T " + since + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"NUL in the target", "GET /\u0000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"many CRLFs before the request", "\r\n".repeat(2_000) + "GET " + since + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"TLS ClientHello", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003" + "\u0000".repeat(40)},
            {"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0012\u0004\u0000\u0000\u0000\u0000\u0000"},
            {"request line of 20 KiB without end", "GET /" + "z".repeat(20 * 1024)},
            {"unterminated header of 20 KiB", "GET " + since + " HTTP/1.1\r\nX-A: " + "v".repeat(20 * 1024)},
            {"absolute target without path", "GET http://127.0.0.1:" + port + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
            {"header before the request line", "Host: x\r\nGET " + since + " HTTP/1.1\r\n\r\n"},
        };
        String[] request = requests[random.nextInt(requests.length)];
        return raw("framing", request[0], latin1Bytes(request[1]));
    }

    // -- pipelines --

    private RawRequest keepAlive(RawRequest r) {
        r.close = false;
        return r;
    }

    private FuzzCase pipelineCase() {
        long huge = hugeId();
        Expect since = Expect.messages(0, Set.of(200));
        Expect parked = Expect.messages(huge, Set.of(200));
        long bound = BOUND_MILLIS + WAIT.toMillis();
        switch (random.nextInt(9)) {
            case 0: {
                byte[] both = concat(keepAlive(new RawRequest("GET", "/since?id=0")).bytes(), new RawRequest("GET", "/healthz").bytes());
                return new FuzzCase(++number, "pipeline", "two GETs in one write", List.of(both), 0, false, 2,
                        List.of(since, Expect.status("GET", 200)), BOUND_MILLIS);
            }
            case 1: {
                byte[] three = concat(keepAlive(new RawRequest("HEAD", "/")).bytes(), keepAlive(new RawRequest("GET", "/since?id=0")).bytes(),
                        new RawRequest("GET", "/app.js").bytes());
                return new FuzzCase(++number, "pipeline", "HEAD, GET, GET in one write", List.of(three), 0, false, 3,
                        List.of(Expect.status("HEAD", 200), since, Expect.status("GET", 200)), BOUND_MILLIS);
            }
            case 2: {
                byte[] both = concat(keepAlive(new RawRequest("GET", "/wait?id=" + huge)).bytes(), new RawRequest("GET", "/since?id=0").bytes());
                return new FuzzCase(++number, "pipeline", "parked wait with the next request in the same write", List.of(both), 0, false, 2,
                        List.of(parked, since), bound);
            }
            case 3: {
                return new FuzzCase(++number, "pipeline", "parked wait, next request sent while parked",
                        List.of(keepAlive(new RawRequest("GET", "/wait?id=" + huge)).bytes(), new RawRequest("GET", "/since?id=0").bytes()), 100, false, 2,
                        List.of(parked, since), bound + 100);
            }
            case 4: {
                byte[] junk = latin1Bytes(pick("garbage\r\n\r\n", "\u0000\u0001\u0002", "GET / HTTP/1.1\r\nX", "G@T / HTTP/1.1\r\n\r\n"));
                return new FuzzCase(++number, "pipeline", "parked wait, junk sent while parked",
                        List.of(keepAlive(new RawRequest("GET", "/wait?id=" + huge)).bytes(), junk), 100, true, 1,
                        List.of(parked, Expect.any("GET")), bound + 100);
            }
            case 5: {
                RawRequest publish = keepAlive(validPublish("/submit-message"));
                byte[] both = concat(publish.bytes(), new RawRequest("GET", "/since?id=0").bytes());
                return new FuzzCase(++number, "pipeline", "publish then GET in one write", List.of(both), 0, false, 2,
                        List.of(judged(publish, publish.body, true), since), BOUND_MILLIS);
            }
            case 6: {
                RawRequest bad = keepAlive(validPublish("/submit-message"));
                bad.body(concat(bad.body, latin1Bytes("%zz")));
                RawRequest good = validPublish("/submit-message");
                return new FuzzCase(++number, "pipeline", "bad publish then good publish in one write", List.of(concat(bad.bytes(), good.bytes())), 0,
                        false, 2, List.of(judged(bad, bad.body, true), judged(good, good.body, true)), BOUND_MILLIS);
            }
            case 7: {
                return new FuzzCase(++number, "pipeline", "parked wait, then the client half-closes",
                        List.of(keepAlive(new RawRequest("GET", "/wait?id=" + huge)).bytes()), 0, true, 0, List.of(parked), BOUND_MILLIS);
            }
            default: {
                RawRequest big = keepAlive(validPublish("/submit-message"));
                big.body(concat(big.body, latin1Bytes("&pad="), "p".repeat(MAX_BODY).getBytes(StandardCharsets.US_ASCII)));
                return new FuzzCase(++number, "pipeline", "publish over 64 KiB then GET in one write",
                        List.of(concat(big.bytes(), new RawRequest("GET", "/since?id=0").bytes())), 0, false, 1,
                        List.of(new Expect("POST", Set.of(413), Publish.REFUSED, -1), since), BOUND_MILLIS);
            }
        }
    }
}
