package nodecast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PublishAllowanceTest {
    private static final String ADDRESS = "192.0.2.1";
    private final AtomicLong now = new AtomicLong();
    private final PublishAllowance keyed = new PublishAllowance(new PublishRateLimit(2, now::get), false);
    private final PublishAllowance open = new PublishAllowance(new PublishRateLimit(2, now::get), true);

    @Test
    void with_a_key_tries_that_pass_the_key_check_take_nothing_however_many() {
        for (int i = 0; i < 1_000; i++) {
            assertNull(keyed.check(ADDRESS), "try " + i);
        }
    }

    @Test
    void with_a_key_wrong_keys_use_up_the_allowance_and_then_even_the_right_key_waits_before_it_is_compared() {
        assertNull(keyed.check(ADDRESS));
        assertNull(keyed.countWrongKey(ADDRESS));
        assertNull(keyed.check(ADDRESS));
        assertNull(keyed.countWrongKey(ADDRESS));
        Refusal refused = keyed.check(ADDRESS);
        assertEquals(429, refused.status());
        assertEquals("1", refused.headerValue());
        assertEquals("too many tries without the right publisher key from your address; try again in 1 s", refused.reason());
        assertNull(keyed.check("192.0.2.2"), "another address is not affected");
        now.addAndGet(500_000_000L);
        assertNull(keyed.check(ADDRESS), "after the Retry-After a try is compared again");
    }

    @Test
    void with_a_key_a_wrong_key_that_finds_the_allowance_taken_meanwhile_is_answered_429() {
        keyed.countWrongKey(ADDRESS);
        keyed.countWrongKey(ADDRESS);
        assertEquals(429, keyed.countWrongKey(ADDRESS).status());
    }

    @Test
    void with_open_publishing_every_try_takes_from_the_allowance() {
        assertNull(open.check(ADDRESS));
        assertNull(open.check(ADDRESS));
        Refusal refused = open.check(ADDRESS);
        assertEquals(429, refused.status());
        assertEquals("too many publishes from your address; try again in 1 s", refused.reason());
    }
}
