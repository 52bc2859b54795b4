package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;

/** Publisher key, limits, headers and operations endpoints, over real HTTP. */
class SecurityTest {

    private static Config config(String key, boolean open, int maxWaiters, int publishRate, String cors, int adminPort) {
        return config(key, open, maxWaiters, publishRate, cors, adminPort, java.util.Set.of());
    }

    private static Config config(String key, boolean open, int maxWaiters, int publishRate, String cors, int adminPort,
            java.util.Set<String> trustedProxies) {
        return TestServer.config(null, Duration.ofSeconds(5), 0).toBuilder().publishKey(key).openPublishing(open)
                .maxWaiters(maxWaiters).publishRate(publishRate).corsOrigin(cors).adminPort(adminPort)
                .trustedProxies(trustedProxies).build();
    }

    private static int publishFrom(TestServer s, String forwardedFor) {
        return post(s, "/submit-message", "text=x", "Accept", "application/json", "Authorization", "Bearer " + TestServer.KEY,
                "X-Forwarded-For", forwardedFor).statusCode();
    }

    @Test
    void behind_a_trusted_proxy_the_publish_rate_counts_each_client_it_names_and_no_one_else_can_name_one() {
        // Open publishing, where every publish counts; with a key only wrong ones would.
        try (TestServer s = start(config(null, true, 50_000, 2, null, Config.NO_ADMIN_PORT, java.util.Set.of("127.0.0.1")))) {
            assertEquals(201, publishFrom(s, "203.0.113.1"));
            assertEquals(201, publishFrom(s, "198.51.100.7, 203.0.113.1"));
            assertEquals(429, publishFrom(s, "203.0.113.1"), "the rightmost hop that is not a trusted proxy is the client");
            assertEquals(201, publishFrom(s, "203.0.113.2"), "another client behind the same proxy has its own allowance");
            assertEquals(201, publishFrom(s, "203.0.113.3, 127.0.0.1"), "trusted proxies in the chain are skipped");
        }
        try (TestServer s = start(config(null, true, 50_000, 2, null, Config.NO_ADMIN_PORT))) {
            assertEquals(201, publishFrom(s, "203.0.113.1"));
            assertEquals(201, publishFrom(s, "203.0.113.2"));
            assertEquals(429, publishFrom(s, "203.0.113.3"), "without a trusted proxy the header changes nothing");
        }
    }

    private static TestServer start(Config config) {
        return TestServer.start(config, Clock.systemUTC());
    }

    private static HttpResponse<String> post(TestServer s, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(s.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return s.send(request);
    }

    @Test
    void publishing_and_clearing_without_the_right_key_are_refused_with_401_and_store_nothing() {
        try (TestServer s = TestServer.memory()) {
            s.publish("kept");
            for (String[] auth : List.of(new String[] {}, new String[] {"Authorization", "Bearer wrong-key-wrong-key-1"},
                    new String[] {"Authorization", "Basic " + TestServer.KEY}, new String[] {"Authorization", "Bearer "})) {
                String[] headers = concat(auth, "Accept", "application/json");
                HttpResponse<String> publish = post(s, "/submit-message", "text=intruder", headers);
                assertEquals(401, publish.statusCode(), publish.body());
                assertEquals("Bearer", publish.headers().firstValue("WWW-Authenticate").orElse(""));
                assertTrue(publish.body().contains("the publisher key is missing or wrong"));
                assertEquals(401, post(s, "/clear-messages", "", headers).statusCode());
            }
            assertEquals(401, post(s, "/submit-message", "key=nope&text=intruder", "Accept", "application/json").statusCode());
            assertEquals(List.of("kept"), TestServer.messages(s.get("/since?id=0")).stream().map(Message::text).toList());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void the_key_works_as_a_bearer_token_or_as_a_form_field_and_the_form_says_when_it_is_wrong() {
        try (TestServer s = TestServer.memory()) {
            assertEquals(201, post(s, "/submit-message", "text=a", "Accept", "application/json", "Authorization", "Bearer " + TestServer.KEY).statusCode());
            assertEquals(201, post(s, "/submit-message", "key=" + TestServer.KEY + "&text=b", "Accept", "application/json").statusCode());
            HttpResponse<String> wrong = post(s, "/submit-message", "key=guess&text=c", "Accept", "text/html");
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.body().contains("The publisher key is missing or wrong".substring(4)), wrong.body());
            assertFalse(wrong.body().contains("value=\"guess\""), "a wrong key is not kept in the form");
            String form = s.get("/message-form?key=" + TestServer.KEY).body();
            assertTrue(form.contains("type=\"password\"") && form.contains("value=\"" + TestServer.KEY + "\""), "the publisher URL fills in the key");
        }
    }

    @Test
    void without_a_configured_key_a_random_one_is_required_and_open_publishing_needs_none() {
        try (TestServer s = start(config(null, false, 50_000, 1_000, null, Config.NO_ADMIN_PORT))) {
            assertEquals(401, post(s, "/submit-message", "text=x", "Accept", "application/json").statusCode());
            assertEquals(401, post(s, "/submit-message", "key=&text=x", "Accept", "application/json").statusCode());
        }
        try (TestServer s = start(config(null, true, 50_000, 1_000, null, Config.NO_ADMIN_PORT))) {
            assertEquals(201, post(s, "/submit-message", "text=open", "Accept", "application/json").statusCode());
            assertFalse(s.get("/message-form").body().contains("name=\"key\""), "no key field when publishing is open");
        }
    }

    @Test
    void with_open_publishing_publishing_too_fast_from_one_address_is_refused_with_429_and_retry_after() {
        try (TestServer s = start(config(null, true, 50_000, 3, null, Config.NO_ADMIN_PORT))) {
            int accepted = 0;
            HttpResponse<String> refused = null;
            for (int i = 0; i < 10 && refused == null; i++) {
                HttpResponse<String> response = post(s, "/submit-message", "text=burst" + i, "Accept", "application/json");
                if (response.statusCode() == 201) {
                    accepted++;
                } else {
                    refused = response;
                }
            }
            assertTrue(accepted >= 3, "a burst of the rate is allowed, got " + accepted);
            assertEquals(429, refused.statusCode());
            assertTrue(Integer.parseInt(refused.headers().firstValue("Retry-After").orElse("0")) >= 1);
            assertTrue(refused.body().contains("too many publishes from your address"), refused.body());
            assertEquals(accepted, TestServer.messages(s.get("/since?id=0")).size(), "nothing stored beyond the limit");
        }
    }

    @Test
    void with_open_publishing_a_clear_counts_against_the_same_allowance_as_a_publish() {
        try (TestServer s = start(config(null, true, 50_000, 1, null, Config.NO_ADMIN_PORT))) {
            assertEquals(200, post(s, "/clear-messages", "", "Accept", "application/json").statusCode());
            assertEquals(429, post(s, "/submit-message", "text=x", "Accept", "application/json").statusCode());
        }
    }

    @Test
    void a_publisher_with_the_right_key_is_never_throttled_even_at_three_times_the_rate() {
        try (TestServer s = start(config(TestServer.KEY, false, 50_000, 10, null, Config.NO_ADMIN_PORT))) {
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> response = i % 2 == 0
                        ? s.postJson("/submit-message", "text=fast" + i)
                        : post(s, "/submit-message", "key=" + TestServer.KEY + "&text=fast" + i, "Accept", "application/json");
                assertEquals(201, response.statusCode(), "publish " + i + ": " + response.body());
            }
            assertEquals(200, s.postJson("/clear-messages", "").statusCode());
        }
    }

    /**
     * Once wrong keys have used up an address's allowance, its tries are refused before the key
     * is compared, the right key's too: otherwise each refused guess would still say whether it
     * was right. The right key works again after the Retry-After it was given.
     */
    @Test
    void wrong_keys_over_the_rate_get_429_and_the_right_key_from_that_address_works_again_after_retry_after() throws Exception {
        try (TestServer s = start(config(TestServer.KEY, false, 50_000, 1, null, Config.NO_ADMIN_PORT))) {
            List<String[]> wrongKeys = List.of(new String[] {}, new String[] {"Authorization", "Bearer wrong-key-wrong-key-1"});
            int unauthorized = 0;
            HttpResponse<String> refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                HttpResponse<String> response = i % 3 == 2
                        ? post(s, "/submit-message", "key=guess" + i + "&text=x", "Accept", "application/json")
                        : post(s, "/submit-message", "text=x", concat(wrongKeys.get(i % 3), "Accept", "application/json"));
                if (response.statusCode() == 401) {
                    unauthorized++;
                } else {
                    refused = response;
                }
            }
            assertTrue(unauthorized >= 1, "a burst of the rate is answered 401, got " + unauthorized);
            assertEquals(429, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("too many tries without the right publisher key"), refused.body());

            HttpResponse<String> right = s.postJson("/submit-message", "text=right");
            assertEquals(429, right.statusCode(), "over the allowance the key is not even compared");
            long retryAfter = Long.parseLong(right.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(1, retryAfter, "one try comes back within a second at any rate");
            Thread.sleep(retryAfter * 1_000); // what is tested is that the Retry-After given is enough
            assertEquals(201, s.postJson("/submit-message", "text=right").statusCode());
            assertEquals(List.of("right"), TestServer.messages(s.get("/since?id=0")).stream().map(Message::text).toList());
        }
    }

    @Test
    void beyond_the_waiter_cap_a_wait_is_refused_with_503_while_the_parked_ones_still_get_the_next_message() throws Exception {
        try (TestServer s = start(config(TestServer.KEY, false, 3, 1_000, null, Config.NO_ADMIN_PORT))) {
            List<CompletableFuture<HttpResponse<String>>> parked = List.of(
                    CompletableFuture.supplyAsync(() -> s.get("/wait?id=0")),
                    CompletableFuture.supplyAsync(() -> s.get("/wait?id=0")),
                    CompletableFuture.supplyAsync(() -> s.get("/wait?id=0")));
            HttpApiTest.awaitParked(s, 3);
            HttpResponse<String> refused = s.get("/wait?id=0");
            assertEquals(503, refused.statusCode());
            int retryAfter = Integer.parseInt(refused.headers().firstValue("Retry-After").orElse("0"));
            assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After: " + retryAfter);
            assertEquals(200, s.get("/since?id=0").statusCode(), "/since does not wait, so it is not capped");
            Message message = s.publish("for the parked ones");
            for (CompletableFuture<HttpResponse<String>> viewer : parked) {
                assertEquals(List.of(message), TestServer.messages(viewer.get()));
            }
        }
    }

    @Test
    void pages_carry_the_page_policy_every_other_answer_a_short_one_and_none_names_its_server() {
        try (TestServer s = TestServer.memory()) {
            for (String path : List.of("/", "/c/news/", "/message-form")) {
                HttpResponse<String> response = s.get(path);
                String policy = response.headers().firstValue("Content-Security-Policy").orElse("");
                assertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), path + ": " + policy);
                assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""), path);
                assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""), path);
                assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), path);
                assertTrue(response.headers().firstValue("Server").isEmpty(), path + " names its server");
            }
            for (String path : List.of("/app.js", "/style.css", "/since?id=0", "/since?id=x", "/wait?id=0", "/metrics", "/nothing-here")) {
                HttpResponse<String> response = s.get(path);
                assertEquals("default-src 'none'; frame-ancestors 'none'", response.headers().firstValue("Content-Security-Policy").orElse(""),
                        path + ": nothing else is ever rendered as a page, and no one may frame it");
                assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), path);
                assertTrue(response.headers().firstValue("Server").isEmpty(), path + " names its server");
            }
            String page = s.get("/").body() + s.get("/message-form").body();
            assertFalse(page.matches("(?s).*<script>.*") || page.matches("(?s).*<script(?![^>]*src=)[^>]*>.*"), "no inline script");
        }
    }

    @Test
    void cross_origin_reads_are_off_unless_one_origin_is_allowed_and_only_for_reading() {
        try (TestServer closed = TestServer.memory()) {
            HttpResponse<String> response = closed.send(HttpRequest.newBuilder(closed.uri("/since?id=0")).header("Origin", "https://other.example"));
            assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
        try (TestServer s = start(config(TestServer.KEY, false, 50_000, 1_000, "https://viewer.example", Config.NO_ADMIN_PORT))) {
            HttpResponse<String> allowed = s.send(HttpRequest.newBuilder(s.uri("/since?id=0")).header("Origin", "https://viewer.example"));
            assertEquals("https://viewer.example", allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertTrue(allowed.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("X-Nodecast-Log"));
            HttpResponse<String> other = s.send(HttpRequest.newBuilder(s.uri("/since?id=0")).header("Origin", "https://other.example"));
            assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
            HttpResponse<String> publish = s.send(HttpRequest.newBuilder(s.uri("/submit-message")).header("Origin", "https://viewer.example")
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("text=x")));
            assertTrue(publish.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "publishing is never cross-origin");
        }
    }

    @Test
    void metrics_report_publishes_deliveries_timeouts_and_refusals_in_prometheus_format() throws Exception {
        try (TestServer s = start(config(TestServer.KEY, false, 50_000, 1_000, null, Config.NO_ADMIN_PORT))) {
            CompletableFuture<HttpResponse<String>> viewer = CompletableFuture.supplyAsync(() -> s.get("/wait?id=0"));
            HttpApiTest.awaitParked(s, 1);
            String parked = s.get("/metrics").body();
            assertTrue(parked.contains("nodecast_parked_requests 1.0"), parked);
            s.publish("counted");
            viewer.get();
            s.get("/since?id=x");
            // A refusal is counted when its exchange completes, which may be a moment after the client has its answer.
            RedisLogTest.awaitTrue(() -> s.get("/metrics").body().contains("nodecast_refused_requests_total{status=\"400\"} 1.0"),
                    "the refusal was never counted");
            String metrics = s.get("/metrics").body();
            assertTrue(metrics.contains("nodecast_publish_latency_seconds_count 1"), metrics);
            assertTrue(metrics.contains("nodecast_deliveries_total 1.0"), metrics);
            assertTrue(metrics.contains("nodecast_fanout_seconds_count 1"), metrics);
            assertTrue(metrics.contains("nodecast_refused_requests_total{status=\"400\"} 1.0"), metrics);
            assertTrue(metrics.contains("nodecast_parked_requests 0.0"), metrics);
        }
    }

    @Test
    void with_an_admin_port_health_and_metrics_move_off_the_public_port() {
        int adminPort;
        try {
            adminPort = Ports.free();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (TestServer s = start(config(TestServer.KEY, false, 50_000, 1_000, null, adminPort))) {
            assertEquals(404, s.get("/metrics").statusCode());
            assertEquals(404, s.get("/readyz").statusCode());
            java.net.URI admin = java.net.URI.create("http://127.0.0.1:" + adminPort);
            assertEquals(200, s.send(HttpRequest.newBuilder(admin.resolve("/readyz"))).statusCode());
            assertTrue(s.send(HttpRequest.newBuilder(admin.resolve("/metrics"))).body().contains("nodecast_parked_requests"));
        }
    }
}
