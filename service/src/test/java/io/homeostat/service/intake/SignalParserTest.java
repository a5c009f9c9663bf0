package io.homeostat.service.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.homeostat.service.engine.facts.Signal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignalParserTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final SignalParser parser = new SignalParser(Duration.ofMinutes(5), Duration.ofHours(24));

    private SignalParser.Parsed parse(String json) throws Exception {
        return parse(json, null);
    }

    private SignalParser.Parsed parse(String json, String keyTenant) throws Exception {
        try (JsonParser stream = new JsonFactory().createParser(json)) {
            stream.nextToken();
            SignalParser.Parsed parsed = parser.parse(stream, NOW, 1, keyTenant);
            assertThat(stream.nextToken()).as("the parser is left at the end of the element").isNull();
            return parsed;
        }
    }

    @Test
    void readsEveryField() throws Exception {
        Signal signal = parse("{\"resource\":\"pod:shop/cart-7d9f\",\"metric\":\"memory.used_percent\",\"value\":93,"
                + "\"time\":\"2026-11-22T11:59:00+01:00\",\"unit\":\"percent\",\"source\":\"kubelet\","
                + "\"labels\":{\"service\":\"cart\"},\"tenant\":\"shop\"}").signal();
        assertThat(signal.getResource()).isEqualTo("pod:shop/cart-7d9f");
        assertThat(signal.getResourceKind()).isEqualTo("pod");
        assertThat(signal.getValue()).isEqualTo(93.0);
        assertThat(signal.getTime()).isEqualTo(Instant.parse("2026-11-22T10:59:00Z").toEpochMilli());
        assertThat(signal.getLabels()).containsEntry("service", "cart");
        assertThat(signal.getTenant()).isEqualTo("shop");
        assertThat(signal.getSource()).isEqualTo("kubelet");
    }

    @Test
    void defaultsTimeToNowAndTenantToDefault() throws Exception {
        Signal signal = parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1}").signal();
        assertThat(signal.getTime()).isEqualTo(NOW.toEpochMilli());
        assertThat(signal.getTenant()).isEqualTo("default");
        assertThat(signal.getLabels()).isEmpty();
    }

    @Test
    void skipsNestedValuesOfBadFieldsAndReportsTheFirstProblem() throws Exception {
        SignalParser.Parsed parsed = parse("{\"bogus\":{\"deep\":[1,{\"x\":2}]},\"resource\":7,\"metric\":\"m\",\"value\":1}");
        assertThat(parsed.isOk()).isFalse();
        assertThat(parsed.error()).startsWith("unknown field 'bogus'");
        assertThat(parse("[1,2]").error()).isEqualTo("a signal must be a JSON object");
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"labels\":{\"a\":[1]}}").error())
                .contains("label 'a'");
    }

    @Test
    void checksNames() {
        assertThat(Names.isResource("disk:web-3:/var")).isTrue();
        assertThat(Names.isResource("cert:api.example.com")).isTrue();
        assertThat(Names.isResource("Host:a")).isFalse();
        assertThat(Names.isResource("host:")).isFalse();
        assertThat(Names.isResource("host: a")).isFalse();
        assertThat(Names.isResource(":a")).isFalse();
        assertThat(Names.isMetric("probe.success")).isTrue();
        assertThat(Names.isMetric("1abc")).isFalse();
        assertThat(Names.isMetric("a b")).isFalse();
        assertThat(Names.isTenant("team-a")).isTrue();
        assertThat(Names.isTenant("-a")).isFalse();
        assertThat(Names.isTenant("Team")).isFalse();
    }

    @Test
    void boundsTheTimeOnBothSidesWithoutOverflow() throws Exception {
        // Years before about -292 million overflowed epoch millis (500 and the whole batch lost).
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"time\":\"-300000000-01-01T00:00:00Z\"}").error())
                .contains("in the past (intake.maxAge)");
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"time\":\"2026-11-21T11:00:00Z\"}").error())
                .contains("in the past");
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"time\":\"+999999999-12-31T00:00:00Z\"}").error())
                .contains("in the future");
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"time\":\"2026-11-21T12:30:00Z\"}").isOk()).isTrue();
    }

    @Test
    void rejectsControlCharactersAndLoneSurrogatesInEveryText() throws Exception {
        // CR/LF in a resource forged log lines; a lone surrogate broke the recorder for good.
        assertThat(parse("{\"resource\":\"host:a\\r\\nINFO fake\",\"metric\":\"m\",\"value\":1}").error())
                .isEqualTo("'resource' holds a control character (U+000D) at position 6");
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"labels\":{\"x\":\"\\ud800\"}}").error())
                .isEqualTo("'labels.x' holds an unpaired surrogate (U+D800) at position 0: not valid Unicode text");
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"source\":\"a\\u0000\"}").error())
                .startsWith("'source' holds a control character (U+0000)");
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"labels\":{\"\\udc00\":\"v\"}}").error())
                .startsWith("'label name' holds an unpaired surrogate");
        // A proper pair (an emoji) is text.
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"labels\":{\"x\":\"\\ud83d\\ude00\"}}").isOk()).isTrue();
    }

    @Test
    void aTenantKeySendsOnlyItsOwnTenant() throws Exception {
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1}", "shop").signal().getTenant()).isEqualTo("shop");
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"tenant\":\"shop\"}", "shop").isOk()).isTrue();
        assertThat(parse("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1,\"tenant\":\"bank\"}", "shop").error())
                .startsWith("'tenant' \"bank\" is not this key's tenant (\"shop\")");
    }
}
