package nodecast.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The publisher form ({@code web/message-form.html}), with a notice of what the last post did
 * and, when publishing needs a key, the key field filled with the key the publisher last gave.
 */
public final class FormPage {
    private static final String NOTICE_SLOT = "<!-- notice -->";
    private static final String KEY_SLOT = "<!-- key -->";

    /** What the page says above the form: nothing, what a post did, or why it was refused. */
    public record Notice(String text, boolean error) {
        public static final Notice NONE = new Notice(null, false);

        static Notice info(String text) {
            return new Notice(text, false);
        }

        static Notice error(String text) {
            return new Notice(text, true);
        }
    }

    private final String template;
    private final boolean keyRequired;

    public FormPage(boolean keyRequired) {
        this.keyRequired = keyRequired;
        try (InputStream in = FormPage.class.getResourceAsStream("/web/message-form.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!template.contains(NOTICE_SLOT) || !template.contains(KEY_SLOT)) {
            throw new IllegalStateException("message-form.html lacks " + NOTICE_SLOT + " or " + KEY_SLOT);
        }
    }

    /** {@code key}: the publisher key to fill in, or null. */
    public String render(Notice notice, String key) {
        String noticeHtml = notice.text() == null ? ""
                : notice.error() ? "<p class=\"error\" role=\"alert\">" + escape(notice.text()) + "</p>"
                : "<p class=\"notice\" role=\"status\">" + escape(notice.text()) + "</p>";
        String keyHtml = !keyRequired ? ""
                : "<label for=\"key\">Publisher key</label>\n    <input type=\"password\" id=\"key\" name=\"key\" required"
                + " autocomplete=\"current-password\" value=\"" + escape(key == null ? "" : key) + "\">";
        return template.replace(NOTICE_SLOT, noticeHtml).replace(KEY_SLOT, keyHtml);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
