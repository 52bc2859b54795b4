package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import nodecast.log.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a publish or clear is answered when Redis fails: 503 when Redis did nothing, 504 when it may
 * have done it, on a real Redis made to fail by its own refusal or by a proxy that loses its answer.
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

    private TestServer throughProxy(RedisProxy proxy) {
        shared.closedAfterTest(proxy);
        return shared.closedAfterTest(TestServer.start(proxy.uri()));
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
    void a_publish_whose_answer_is_lost_is_answered_504_and_its_retry_with_the_same_key_stores_it_once() {
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
