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
    private final SignalParser parser = new SignalParser(Duration.ofMinutes(5));

    private SignalParser.Parsed parse(String json) throws Exception {
        try (JsonParser stream = new JsonFactory().createParser(json)) {
            stream.nextToken();
            SignalParser.Parsed parsed = parser.parse(stream, NOW, 1);
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
}
