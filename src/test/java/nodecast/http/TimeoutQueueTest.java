package nodecast.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xnio.XnioExecutor;

class TimeoutQueueTest {
    private long now = 1_000_000_000L;
    private final ManualThread thread = new ManualThread();
    private final TimeoutQueue queue = new TimeoutQueue(thread, () -> now);
    private final List<String> fired = new ArrayList<>();

    /** An IO thread whose timers fire when the test moves the clock past them. */
    private final class ManualThread implements XnioExecutor {
        final List<Timer> timers = new ArrayList<>();

        record Timer(long dueAt, Runnable command) {
        }

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public Key executeAfter(Runnable command, long time, TimeUnit unit) {
            Timer timer = new Timer(now + unit.toNanos(time), command);
            timers.add(timer);
            return () -> timers.remove(timer);
        }

        @Override
        public Key executeAtInterval(Runnable command, long time, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }
    }

    private void advance(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
        for (ManualThread.Timer timer : List.copyOf(thread.timers)) {
            if (timer.dueAt() <= now && thread.timers.remove(timer)) {
                timer.command().run();
            }
        }
    }

    private Runnable schedule(long millis, String name) {
        return queue.schedule(TimeUnit.MILLISECONDS.toNanos(millis), () -> fired.add(name));
    }

    @Test
    void timeouts_fire_in_the_order_they_come_due_under_one_timer() {
        schedule(100, "a");
        advance(10);
        schedule(100, "b");
        advance(10);
        schedule(100, "c");
        assertEquals(1, thread.timers.size(), "one timer, for the earliest");

        advance(79);
        assertEquals(List.of(), fired);
        advance(2);
        assertEquals(List.of("a"), fired);
        advance(10);
        assertEquals(List.of("a", "b"), fired);
        advance(10);
        assertEquals(List.of("a", "b", "c"), fired);
        assertEquals(0, thread.timers.size(), "nothing left to wait for");
    }

    @Test
    void a_cancelled_timeout_never_fires_and_the_next_one_still_does() {
        Runnable cancelA = schedule(100, "a");
        advance(10);
        schedule(100, "b");
        cancelA.run();
        cancelA.run();
        advance(91);
        assertEquals(List.of(), fired, "the timer set for a found nothing due, and waits for b");
        advance(10);
        assertEquals(List.of("b"), fired);
    }

    @Test
    void a_shorter_delay_scheduled_later_fires_first() {
        schedule(100, "long");
        schedule(20, "short");
        schedule(50, "middle");
        advance(21);
        assertEquals(List.of("short"), fired);
        advance(30);
        assertEquals(List.of("short", "middle"), fired);
        advance(50);
        assertEquals(List.of("short", "middle", "long"), fired);
    }

    @Test
    void a_timeout_that_schedules_another_as_it_fires_leaves_the_earlier_ones_due_on_time() {
        schedule(10, "a");
        schedule(10, "b");
        queue.schedule(TimeUnit.MILLISECONDS.toNanos(5), () -> {
            fired.add("first");
            schedule(100, "the connection's next wait");
        });
        advance(6);
        advance(5);
        assertEquals(List.of("first", "a", "b"), fired);
        advance(100);
        assertEquals(List.of("first", "a", "b", "the connection's next wait"), fired);
    }

    @Test
    void a_timeout_that_throws_leaves_the_others_to_fire() {
        queue.schedule(TimeUnit.MILLISECONDS.toNanos(10), () -> {
            throw new IllegalStateException("boom");
        });
        schedule(10, "next");
        now += TimeUnit.MILLISECONDS.toNanos(11);
        ManualThread.Timer timer = thread.timers.remove(0);
        assertThrows(IllegalStateException.class, () -> timer.command().run());
        advance(2);
        assertEquals(List.of("next"), fired);
    }
}
