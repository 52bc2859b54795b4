package nodecast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PublishRateLimitTest {
    private final AtomicLong now = new AtomicLong();
    private final PublishRateLimit limit = new PublishRateLimit(2, now::get);

    @Test
    void an_address_gets_a_burst_of_its_rate_then_waits_for_refill() {
        String one = "192.0.2.1";
        assertEquals(0, limit.take(one));
        assertEquals(0, limit.take(one));
        assertEquals(1, limit.take(one), "the third in the same instant must wait about half a second, rounded up");
        now.addAndGet(500_000_000L);
        assertEquals(0, limit.take(one), "half a second refills one of two per second");
        assertEquals(1, limit.take(one));
    }

    @Test
    void addresses_have_separate_allowances() {
        String one = "192.0.2.1";
        String two = "192.0.2.2";
        limit.take(one);
        limit.take(one);
        assertEquals(0, limit.take(two));
    }

    @Test
    void a_long_idle_address_has_no_more_than_one_burst() {
        String one = "192.0.2.1";
        now.addAndGet(3_600_000_000_000L);
        assertEquals(0, limit.take(one));
        assertEquals(0, limit.take(one));
        assertEquals(1, limit.take(one));
    }

    @Test
    void an_address_idle_for_an_hour_at_the_default_rate_gets_exactly_one_burst() {
        PublishRateLimit fast = new PublishRateLimit(10, now::get);
        String one = "192.0.2.1";
        fast.take(one);
        now.addAndGet(3_600_000_000_000L);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, fast.take(one), "try " + i + " of the burst");
        }
        assertEquals(1, fast.take(one));
    }

    @Test
    void asking_whether_an_address_may_try_takes_nothing_from_it() {
        String one = "192.0.2.1";
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limit.retryAfter(one));
        }
        limit.take(one);
        assertEquals(0, limit.retryAfter(one));
        limit.take(one);
        assertEquals(1, limit.retryAfter(one), "with both taken it must wait");
        now.addAndGet(500_000_000L);
        assertEquals(0, limit.retryAfter(one));
        assertEquals(0, limit.take(one), "the peek left the refilled one in place");
    }
}
