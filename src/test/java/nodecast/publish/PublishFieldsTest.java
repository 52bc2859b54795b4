package nodecast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublishFieldsTest {

    private static PublishFields parse(String body) {
        return PublishFields.parseForm(body.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void fields_are_percent_decoded_as_utf8_with_plus_as_space() {
        PublishFields form = parse("text=h%C3%A9llo+w%F0%9F%8C%8Drld%21&key=a%2Bb&flag");
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

    private static PublishFields json(String body) {
        return PublishFields.parseJson(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_json_object_gives_its_text_with_escapes_decoded() {
        assertEquals("h\u00e9llo\n\uD83C\uDF0D \"x\"", json(" {\"text\" : \"h\\u00e9llo\\n\uD83C\uDF0D \\\"x\\\"\"}\n").get("text"));
    }

    @Test
    void an_empty_json_body_or_object_has_no_fields() {
        assertNull(json("").get("text"));
        assertNull(json("{}").get("text"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"text\"", "{\"text\": null}", "{\"text\": [\"a\"]}", "{\"key\": \"k\"}", "{text: \"a\"}",
        "{\"text\": \"a\",}", "{\"text\": \"a\"}}", "{\"text\": \"a\"} x", "// comment\n{}"})
    void anything_but_one_object_of_known_string_members_is_refused(String body) {
        assertThrows(IllegalArgumentException.class, () -> json(body));
    }
}
