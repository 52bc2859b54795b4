package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import nodecast.log.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a publish or clear is answered when Redis fails: 2xx only for what is stored (and, under
 * Sentinel, confirmed by a replica), 503 when Redis did nothing, 504 only when nobody can know; on
 * a real Redis made to fail by its own refusal, by a proxy that loses its answer, by a paused
 * replica or by an ACL user that lacks a command.
 */
class PublishFailureTest {
    @RegisterExtension
    static final SharedRedis shared = new SharedRedis();

    @AfterEach
    void acceptWritesAgain() {
        assertEquals("+OK", redis().command("CONFIG SET min-replicas-to-write 0"));
    }

    private static RedisProcess redis() {
        return shared.process();
    }

    /** A server on {@code proxy} that tries a write whose answer was lost again for at most 1 s. */
    private TestServer throughProxy(RedisProxy proxy) {
        shared.closedAfterTest(proxy);
        return shared.closedAfterTest(server(proxy.uri(), Duration.ofSeconds(1)));
    }

    private static TestServer server(java.net.URI redis, Duration retry) {
        return TestServer.start(TestServer.config(redis, TestServer.WAIT_TIMEOUT, 0).toBuilder().redisRetry(retry).build(), Clock.systemUTC());
    }

    private static HttpResponse<String> post(TestServer s, String path, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(s.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + TestServer.KEY)
                .POST(HttpRequest.BodyPublishers.ofString("text=hello"));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return s.send(request);
    }

    private static String reason(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString();
    }

    @Test
    void a_publish_or_clear_redis_refuses_is_answered_503_and_changes_nothing() {
        TestServer s = throughProxy(RedisProxy.to(redis()));
        s.publish("kept");
        // Redis refuses every write while fewer replicas than this are connected.
        assertEquals("+OK", redis().command("CONFIG SET min-replicas-to-write 1"));

        HttpResponse<String> publish = post(s, "/submit-message", "k-1");
        assertEquals(503, publish.statusCode(), publish.body());
        assertTrue(reason(publish).startsWith("message not stored: "), reason(publish));
        HttpResponse<String> clear = post(s, "/clear-messages", null);
        assertEquals(503, clear.statusCode(), clear.body());
        assertTrue(reason(clear).startsWith("log not cleared: "), reason(clear));
        assertEquals(":1", redis().command("ZCARD " + DefaultChannelKeys.LOG), "nothing stored, nothing cleared");
    }

    @Test
    void a_publish_whose_idempotency_record_redis_holds_damaged_is_answered_503_not_500() {
        TestServer s = throughProxy(RedisProxy.to(redis()));
        assertEquals(201, post(s, "/submit-message", "k-1").statusCode());
        String idem = DefaultChannelKeys.LOG.replaceFirst(":log$", ":idem");
        assertEquals(":0", redis().command("HSET " + idem + " k-1 garbage"));

        HttpResponse<String> retry = post(s, "/submit-message", "k-1");
        assertEquals(503, retry.statusCode(), retry.body());
        assertTrue(reason(retry).contains("damaged"), reason(retry));
        assertEquals(":1", redis().command("ZCARD " + DefaultChannelKeys.LOG), "nothing more stored");
    }

    @Test
    void a_publish_whose_answer_is_lost_is_tried_again_on_a_fresh_connection_and_answered_201_stored_once() throws Exception {
        RedisProxy proxy = shared.closedAfterTest(RedisProxy.to(redis()));
        TestServer s = shared.closedAfterTest(server(proxy.uri(), Duration.ofSeconds(10)));
        for (String key : new String[] {"order-4711", null}) {
            proxy.dropReplyTo("ZADD"); // the answer is lost with every connection, and new ones are refused until healed
            CompletableFuture<HttpResponse<String>> publish = CompletableFuture.supplyAsync(() -> post(s, "/submit-message", key));
            Awaiting.poll(() -> redis().command("ZCARD " + DefaultChannelKeys.LOG).equals(key == null ? ":2" : ":1"), Duration.ofSeconds(5),
                    "Redis stored the message");
            Thread.sleep(300);
            proxy.heal();

            HttpResponse<String> answer = publish.get(15, TimeUnit.SECONDS);
            assertEquals(201, answer.statusCode(), "the retry found it stored (key " + key + "): " + answer.body());
            assertEquals(null, answer.headers().firstValue("Idempotent-Replayed").orElse(null), "it is this publish's own message");
        }
        assertEquals(":2", redis().command("ZCARD " + DefaultChannelKeys.LOG), "each stored once");
    }

    @Test
    void a_publish_whose_answer_is_lost_and_redis_stays_unreachable_is_answered_504_and_its_retry_with_the_same_key_stores_it_once() {
        RedisProxy proxy = RedisProxy.to(redis());
        TestServer s = throughProxy(proxy);
        proxy.dropReplyTo("ZADD");

        HttpResponse<String> lost = post(s, "/submit-message", "order-4711");
        assertEquals(504, lost.statusCode(), lost.body());
        assertEquals("Redis did not confirm the message: it may be stored; retry with the same Idempotency-Key to be sure it is stored exactly once",
                reason(lost));
        assertEquals(":1", redis().command("ZCARD " + DefaultChannelKeys.LOG), "Redis did store it");

        proxy.heal();
        HttpResponse<String> retry = post(s, "/submit-message", "order-4711");
        assertEquals(200, retry.statusCode(), retry.body());
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals(0, Message.fromJson(retry.body()).id());
        assertEquals(":1", redis().command("ZCARD " + DefaultChannelKeys.LOG), "stored exactly once");
    }

    @Test
    void a_publish_without_a_key_whose_answer_is_lost_is_answered_504_saying_a_retry_may_store_it_twice() {
        RedisProxy proxy = RedisProxy.to(redis());
        TestServer s = throughProxy(proxy);
        proxy.dropReplyTo("ZADD");

        HttpResponse<String> lost = post(s, "/submit-message", null);
        assertEquals(504, lost.statusCode(), lost.body());
        assertTrue(reason(lost).endsWith("a retry may store it twice (a retry with an Idempotency-Key never does)"), reason(lost));
    }

    // Under Sentinel a 2xx means a replica has it too: WAIT is part of the answer.
    @Test
    void a_publish_stored_on_the_master_that_no_replica_confirms_is_answered_504_and_its_retry_once_confirmed_200() {
        try (SentinelGroup group = SentinelGroup.start(1)) {
            TestServer s = shared.closedAfterTest(server(group.uri(""), Duration.ofSeconds(2)));
            assertEquals(201, post(s, "/submit-message", "k-0").statusCode());
            group.replicas.get(0).pause(); // the master still counts it connected (for min-replicas-max-lag), so it takes writes

            HttpResponse<String> unconfirmed = post(s, "/submit-message", "k-1");
            assertEquals(504, unconfirmed.statusCode(), unconfirmed.body());
            assertTrue(reason(unconfirmed).startsWith("the message is stored on the Redis master, but no replica confirmed it"), reason(unconfirmed));
            assertEquals(":2", group.master.command("ZCARD " + DefaultChannelKeys.LOG), "stored on the master");

            group.replicas.get(0).resume();
            HttpResponse<String> retry = post(s, "/submit-message", "k-1");
            assertEquals(200, retry.statusCode(), "once a replica has it, the retry says so: " + retry.body());
            assertEquals(1, Message.fromJson(retry.body()).id());
            assertEquals(":2", group.master.command("ZCARD " + DefaultChannelKeys.LOG), "stored once");
        }
    }

    @Test
    void a_wait_the_redis_user_may_no_longer_run_never_turns_a_stored_message_into_503() {
        try (SentinelGroup group = SentinelGroup.start(1)) {
            assertEquals("+OK", group.master.command("ACL SETUSER publisher on >secret-0123 ~nodecast:* &nodecast:* +@all"));
            TestServer s = shared.closedAfterTest(server(group.uri("publisher:secret-0123@"), Duration.ofSeconds(1)));
            assertEquals(201, post(s, "/submit-message", "k-0").statusCode());
            assertEquals("+OK", group.master.command("ACL SETUSER publisher -wait"));

            HttpResponse<String> stored = post(s, "/submit-message", "k-1");
            assertEquals(504, stored.statusCode(), "stored, and delivered, but not confirmed: " + stored.body());
            assertTrue(reason(stored).startsWith("the message is stored on the Redis master"), reason(stored));
            assertEquals(":2", group.master.command("ZCARD " + DefaultChannelKeys.LOG));
        }
    }

    @Test
    void an_instance_whose_redis_user_may_not_run_a_command_it_needs_refuses_to_start_and_names_it() {
        assertEquals("+OK", redis().command("ACL SETUSER nospublish on >secret-0123 ~nodecast:* &nodecast:* +@all -spublish"));
        try {
            RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> server(java.net.URI.create("redis://nospublish:secret-0123@127.0.0.1:" + redis().port() + "/0"), Duration.ofSeconds(1)));
            assertTrue(refused.getMessage().contains("SPUBLISH"), refused.getMessage());
            assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
        } finally {
            redis().command("ACL DELUSER nospublish");
        }
        try (SentinelGroup group = SentinelGroup.start(1)) {
            assertEquals("+OK", group.master.command("ACL SETUSER nowait on >secret-0123 ~nodecast:* &nodecast:* +@all -wait"));
            RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> server(group.uri("nowait:secret-0123@"), Duration.ofSeconds(1)));
            assertTrue(refused.getMessage().contains("WAIT"), refused.getMessage());
        }
    }

    @Test
    void an_instance_started_while_redis_is_away_asks_what_its_user_may_run_once_redis_answers_and_is_not_ready_without_it()
            throws Exception {
        try (RedisProcess own = RedisProcess.start("--save", "", "--appendonly", "no",
                "--user", "nohdel", "on", ">secret-0123", "~nodecast:*", "&nodecast:*", "+@all", "-hdel")) {
            own.stop();
            TestServer s = shared.closedAfterTest(TestServer.startUnsynced(
                    TestServer.config(java.net.URI.create("redis://nohdel:secret-0123@127.0.0.1:" + own.port() + "/0"), TestServer.WAIT_TIMEOUT, 0)));
            assertTrue(s.get("/readyz").body().contains("not yet known whether the Redis user may run"), s.get("/readyz").body());

            own.restart();
            // HDEL runs only once --max-messages keyed publishes were made: a refusal then would leave a publish half done.
            Awaiting.poll(() -> s.get("/readyz").body().contains("may not run HDEL"), Duration.ofSeconds(10), "the missing command named");
            assertEquals(503, s.get("/readyz").statusCode());
            shared.forget(s);
            s.close(); // while its Redis is up
        }
    }

    @Test
    void a_clear_whose_answer_is_lost_is_answered_504() {
        RedisProxy proxy = RedisProxy.to(redis());
        TestServer s = throughProxy(proxy);
        s.publish("to be cleared");
        proxy.dropReplyTo("'clear '");

        HttpResponse<String> lost = post(s, "/clear-messages", null);
        assertEquals(504, lost.statusCode(), lost.body());
        assertEquals("Redis did not confirm the clear: it may have happened", reason(lost));
        assertEquals(":0", redis().command("ZCARD " + DefaultChannelKeys.LOG), "Redis did clear it");
    }
}
