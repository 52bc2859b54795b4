package nodecast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormBodyTest {

    private static FormBody parse(String body) {
        return FormBody.parse(body.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void fields_are_percent_decoded_as_utf8_with_plus_as_space() {
        FormBody form = parse("text=h%C3%A9llo+w%F0%9F%8C%8Drld%21&key=a%2Bb&flag");
        assertEquals("héllo w\uD83C\uDF0Drld!", form.get("text"));
        assertEquals("a+b", form.get("key"));
        assertEquals("", form.get("flag"));
        assertNull(form.get("missing"));
    }

    @Test
    void an_empty_body_has_no_fields() {
        assertNull(parse("").get("text"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text=%", "text=%4", "text=%G1", "text=abc%2"})
    void a_broken_percent_escape_is_refused(String body) {
        assertEquals("form body has a bad percent-escape", assertThrows(IllegalArgumentException.class, () -> parse(body)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text=%FF", "text=%C3", "text=%ED%A0%80"})
    void bytes_that_are_not_utf8_are_refused(String body) {
        assertEquals("form body is not valid UTF-8", assertThrows(IllegalArgumentException.class, () -> parse(body)).getMessage());
    }

    @Test
    void a_field_given_twice_is_refused_rather_than_guessed() {
        assertEquals("form field 'text' is given more than once",
                assertThrows(IllegalArgumentException.class, () -> parse("text=a&text=b")).getMessage());
    }
}
