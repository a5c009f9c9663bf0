package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes plugin end to end: its collector reads an OOMKilled pod from fabric8's Kubernetes
 * API mock (CRUD mode), the shipped pod_crash rules open the issue and choose
 * {@code kubernetes.raise-memory}, the gates pass it, the plugin jar the build produced raises the
 * deployment's memory limit in the API, and the pod turning ready resolves the issue.
 */
class KubernetesHealingIntegrationTest {
    /** Held so that it is not collected: the mock logs every request at INFO. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    @TempDir
    Path directory;

    @Test
    void anOomKilledPodTheCollectorSeesGetsAHigherMemoryLimit() throws Exception {
        MOCK_LOG.setLevel(Level.WARNING);
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient kube = api.createClient(new JdkHttpClientFactory())) {
            seed(kube);
            Map<String, Object> cluster = Map.of("url", api.url("/"));
            try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
                 TestApp app = TestApp.builder(directory, database)
                         .collector(Map.of("collector", "kubernetes.pods", "resource", "cluster:test", "interval", "1s", "timeout", "900ms",
                                 "settings", Map.of("namespace", "shop", "cluster", cluster)))
                         .pluginSettings("kubernetes", Map.of("cluster", cluster, "namespaces", List.of("shop"),
                                 "limits", Map.of("memoryCeiling", "1Gi")))
                         .policy("resolveQuietPeriod", "1s")
                         .start()) {
                JsonNode remediation = HealingLoopIntegrationTest.awaitRemediation(app, "succeeded");
                assertThat(remediation.get("actionId").asText()).isEqualTo("kubernetes.raise-memory");
                assertThat(remediation.get("details").get("limitAfter").asText()).isEqualTo("384Mi");
                String issueId = remediation.get("issueId").asText();
                JsonNode issue = app.getJson("/api/v1/issues/" + issueId).get("issue");
                assertThat(issue.get("type").asText()).isEqualTo("pod_crash");
                assertThat(issue.get("resource").asText()).isEqualTo("pod:shop/cart-7d9f-x1");

                // The real effect, read back from the API: the template's limit, and the remediation id on the deployment.
                Deployment cart = kube.apps().deployments().inNamespace("shop").withName("cart").get();
                assertThat(cart.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("memory"))
                        .hasToString("384Mi");
                assertThat(cart.getMetadata().getAnnotations()).containsEntry("homeostat.io/remediation", remediation.get("id").asText());

                // The new pod is ready: the collector reports it, verification passes, the issue resolves.
                kube.pods().inNamespace("shop").withName("cart-7d9f-x1").edit(pod -> {
                    pod.getStatus().setConditions(List.of(new PodConditionBuilder().withType("Ready").withStatus("True").build()));
                    return pod;
                });
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(app.getJson("/api/v1/issues/" + issueId).get("issue").get("state").asText()).isEqualTo("resolved"));
                assertThat(app.getJson("/api/v1/remediations?state=succeeded").get("total").asInt()).isEqualTo(1);
            }
        } finally {
            api.destroy();
        }
    }

    private static void seed(KubernetesClient kube) {
        Deployment cart = kube.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName("cart").withNamespace("shop").addToAnnotations("deployment.kubernetes.io/revision", "1").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "cart").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "cart").endMetadata().withNewSpec().addNewContainer().withName("app")
                .withImage("cart:1").withNewResources().addToLimits("memory", new Quantity("256Mi")).endResources().endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        kube.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder().withNewMetadata().withName("cart-7d9f")
                .withNamespace("shop").withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName("cart").withUid(cart.getMetadata().getUid()).withController(true).build()).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "cart").endSelector().endSpec().build()).create();
        kube.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("cart-7d9f-x1").withNamespace("shop")
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withName("cart-7d9f")
                        .withUid("rs-uid").withController(true).build()).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("cart:1").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder().withName("app").withRestartCount(1)
                        .withNewLastState().withNewTerminated().withReason("OOMKilled").withExitCode(137)
                        .withFinishedAt(Instant.now().toString()).endTerminated().endLastState().build()).endStatus().build()).create();
    }
}
