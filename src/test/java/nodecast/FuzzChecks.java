package nodecast;

import static nodecast.Printable.escape;
import static nodecast.Printable.quote;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nodecast.FuzzCase.Expect;
import nodecast.FuzzCase.Publish;
import nodecast.FuzzCase.Stores;

/** Finds what went wrong with one case: a late, broken or cut-short answer, a 5xx, a wrong status, a leak, a bad publish. */
final class FuzzChecks {
    /** Injected into pages through keys and field names; an HTML answer must never contain it unescaped. */
    private static final String MARKER = "<x-fuzz";
    private static final Pattern ASSIGNED = Pattern.compile("Message was assigned ID (\\d+)");
    private static final List<String> SECRETS = List.of("package nodecast", "org.slf4j.simpleLogger", "<project",
            "Manifest-Version", "root:x:0:0", "nodecast/Main");

    private FuzzChecks() {
    }

    /** The problems with one outcome; records every acknowledged publish in {@code stored}. */
    static List<String> check(FuzzOutcome o, Map<Long, String> stored) {
        List<String> problems = new ArrayList<>();
        FuzzCase c = o.c();
        if (o.error() != null) {
            problems.add(o.error());
        }
        if (o.millis() > c.boundMillis()) {
            problems.add("took " + o.millis() + " ms, more than " + c.boundMillis());
        }
        if ((o.ending().equals("closed") || o.ending().equals("reset")) && o.responses().size() < c.mustAnswer()) {
            problems.add("connection " + o.ending() + " after " + o.responses().size() + " answer(s); " + c.mustAnswer() + " required");
        }
        for (int i = 0; i < o.responses().size(); i++) {
            RawResponse r = o.responses().get(i);
            Expect e = c.expects().get(i);
            String which = c.expects().size() > 1 ? "answer " + (i + 1) + ": " : "";
            if (r.status() >= 500) {
                problems.add(which + "server error " + r.status() + ": " + escape(r.body(), 300));
            }
            if (!e.statuses().isEmpty() && !e.statuses().contains(r.status())) {
                problems.add(which + "status " + r.status() + ", expected " + e.statuses() + ": " + escape(r.body(), 300));
            }
            String type = r.headers().getOrDefault("content-type", "");
            if (type.startsWith("text/html") && r.text().contains(MARKER)) {
                problems.add(which + "an HTML answer contains unescaped input");
            }
            if (r.headers().containsKey("set-cookie")) {
                problems.add(which + "a Set-Cookie header was injected");
            }
            if (r.status() == 200 && leaks(r.body())) {
                problems.add(which + "a 200 answer shows a file from outside the web folder: " + escape(r.body(), 120));
            }
            if (e.fromId() >= 0 && r.status() == 200) {
                checkMessages(r, e.fromId(), which, problems);
            }
            account(e.publish(), r, which, stored, problems);
        }
        return problems;
    }

    private static boolean leaks(byte[] body) {
        if (body.length >= 4 && (body[0] & 0xff) == 0xCA && (body[1] & 0xff) == 0xFE && (body[2] & 0xff) == 0xBA && (body[3] & 0xff) == 0xBE) {
            return true;
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        return SECRETS.stream().anyMatch(text::contains);
    }

    private static void checkMessages(RawResponse r, long fromId, String which, List<String> problems) {
        try {
            long previous = -1;
            int count = 0;
            for (JsonElement element : JsonParser.parseString(r.text()).getAsJsonArray()) {
                long id = element.getAsJsonObject().get("id").getAsLong();
                element.getAsJsonObject().get("text").getAsString();
                if (id < fromId || id <= previous) {
                    problems.add(which + "message " + id + " out of order or before the asked id " + fromId);
                    return;
                }
                previous = id;
                count++;
            }
            if (count > NodecastServer.BATCH_LIMIT) {
                problems.add(which + count + " messages in one answer");
            }
        } catch (RuntimeException ex) {
            problems.add(which + "200 that is not a JSON array of messages: " + escape(r.body(), 200));
        }
    }

    /** A 2xx to a publish must name the stored message; nothing else may answer 2xx to a post that changes the log. */
    private static void account(Publish publish, RawResponse r, String which, Map<Long, String> stored, List<String> problems) {
        boolean success = r.status() >= 200 && r.status() < 300;
        switch (publish.stores()) {
            case NOT_A_PUBLISH -> {
            }
            case NEVER -> {
                if (success) {
                    problems.add(which + "answered " + r.status() + " to a post that must change nothing: " + escape(r.body(), 200));
                }
            }
            case ALWAYS, MAYBE -> {
                if (!success) {
                    if (publish.stores() == Stores.ALWAYS) {
                        problems.add(which + "a valid publish was refused with " + r.status() + ": " + escape(r.body(), 200));
                    }
                    return;
                }
                Long id = null;
                String text = publish.text();
                if (r.headers().getOrDefault("content-type", "").startsWith("application/json")) {
                    try {
                        JsonObject message = JsonParser.parseString(r.text()).getAsJsonObject();
                        id = message.get("id").getAsLong();
                        text = message.get("text").getAsString();
                    } catch (RuntimeException ex) {
                        id = null;
                    }
                } else {
                    Matcher assigned = ASSIGNED.matcher(r.text());
                    id = assigned.find() ? Long.valueOf(assigned.group(1)) : null;
                }
                if (id == null) {
                    problems.add(which + "answered " + r.status() + " to a publish without naming a stored message: " + escape(r.body(), 200));
                } else if (!Objects.equals(text, publish.text())) {
                    problems.add(which + "stored " + quote(text) + " where " + quote(publish.text()) + " was sent");
                } else if (stored.putIfAbsent(id, text) != null) {
                    problems.add(which + "id " + id + " acknowledged twice");
                }
            }
        }
    }
}
