package nodecast.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MessageRingTest {

    private static Message message(long id) {
        return new Message(id, "m" + id, "2026-11-23T10:00:00.000Z");
    }

    private static List<Long> ids(List<Message> messages) {
        return messages.stream().map(Message::id).toList();
    }

    @Test
    void reads_from_an_id_return_that_id_and_later_ones_up_to_the_limit() {
        MessageRing ring = new MessageRing(10);
        LongStream.range(0, 5).mapToObj(MessageRingTest::message).forEach(ring::add);
        assertEquals(List.of(2L, 3L, 4L), ids(ring.from(2, 100)));
        assertEquals(List.of(0L, 1L), ids(ring.from(0, 2)));
        assertEquals(List.of(), ids(ring.from(5, 100)));
        assertEquals(List.of(), ids(ring.from(500, 100)));
    }

    @Test
    void a_full_ring_drops_the_oldest_and_reads_start_at_what_is_kept() {
        MessageRing ring = new MessageRing(3);
        LongStream.range(0, 7).mapToObj(MessageRingTest::message).forEach(ring::add);
        assertEquals(4, ring.start());
        assertEquals(7, ring.end());
        assertEquals(List.of(4L, 5L, 6L), ids(ring.from(0, 100)));
    }

    @Test
    void ids_must_follow_on_without_gap() {
        MessageRing ring = new MessageRing(3);
        ring.add(message(0));
        assertThrows(IllegalArgumentException.class, () -> ring.add(message(2)));
    }

    @Test
    void a_reset_keeps_the_sequence_where_it_was() {
        MessageRing ring = new MessageRing(3);
        LongStream.range(0, 3).mapToObj(MessageRingTest::message).forEach(ring::add);
        ring.reset(ring.end());
        assertEquals(List.of(), ring.from(0, 100));
        ring.add(message(3));
        assertEquals(List.of(3L), ids(ring.from(0, 100)));
    }

    @Test
    void a_ring_grows_as_messages_come_and_keeps_every_one_in_order() {
        MessageRing ring = new MessageRing(100);
        for (long id = 0; id < 250; id++) {
            ring.add(message(id));
            long first = Math.max(0, id + 1 - 100);
            assertEquals(LongStream.rangeClosed(first, id).boxed().toList(), ids(ring.from(0, 1_000)), "after id " + id);
        }
        assertEquals(150, ring.start());
        assertEquals(100, ring.size());
    }

    @Test
    void a_ring_dropped_before_some_id_grows_from_what_it_keeps() {
        MessageRing ring = new MessageRing(64);
        LongStream.range(0, 20).mapToObj(MessageRingTest::message).forEach(ring::add);
        ring.dropBefore(15);
        LongStream.range(20, 60).mapToObj(MessageRingTest::message).forEach(ring::add);
        assertEquals(LongStream.range(15, 60).boxed().toList(), ids(ring.from(0, 1_000)));
    }
}
