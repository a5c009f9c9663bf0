package io.homeostat.plugins.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.testing.TestActionContext;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each action against fabric8's Kubernetes API mock in CRUD mode (it keeps what it is sent): the
 * object is read back after the action and after its rollback, and the refusals leave it as it was.
 */
class KubernetesActionsTest {
    /** Held so that it is not collected: the mock logs every request at INFO through java.util.logging. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private KubernetesMockServer server;
    private KubernetesClient kube;
    private String deploymentUid;

    @BeforeEach
    void cluster() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        kube = server.createClient(new JdkHttpClientFactory());
        Deployment cart = kube.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName("cart").withNamespace("shop").addToAnnotations(RollbackAction.REVISION, "2").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "cart").endSelector()
                .withTemplate(template("cart:2", "256Mi", null)).endSpec().build()).create();
        deploymentUid = cart.getMetadata().getUid();
        replicaSet("cart-aaa", "1", template("cart:1", "256Mi", "aaa"));
        replicaSet("cart-bbb", "2", template("cart:2", "256Mi", "bbb"));
        kube.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("cart-bbb-x1").withNamespace("shop")
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withName("cart-bbb")
                        .withUid("rs-bbb").withController(true).build()).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("cart:2").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder().withName("app").withRestartCount(4)
                        .withNewLastState().withNewTerminated().withReason("OOMKilled").withExitCode(137)
                        .withFinishedAt(Instant.now().toString()).endTerminated().endLastState().build()).endStatus().build()).create();
        kube.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("bare").withNamespace("shop").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("bare:1").endContainer().endSpec().build()).create();
    }

    @AfterEach
    void stop() {
        kube.close();
        server.destroy();
    }

    private static PodTemplateSpec template(String image, String memory, String hash) {
        PodTemplateSpecBuilder builder = new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "cart").endMetadata();
        if (hash != null) {
            builder.editMetadata().addToLabels("pod-template-hash", hash).endMetadata();
        }
        return builder.withNewSpec().addNewContainer().withName("app").withImage(image).withNewResources()
                .addToLimits("memory", new Quantity(memory)).addToRequests("memory", new Quantity("128Mi")).endResources().endContainer()
                .endSpec().build();
    }

    private void replicaSet(String name, String revision, PodTemplateSpec template) {
        kube.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder().withNewMetadata().withName(name).withNamespace("shop")
                .addToAnnotations(RollbackAction.REVISION, revision)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment").withName("cart")
                        .withUid(deploymentUid).withController(true).build()).endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "cart").endSelector().withTemplate(template).endSpec()
                .build()).create();
    }

    private PluginSettings settings(Map<String, Object> limits) {
        return new PluginSettings("plugins.settings.kubernetes", Map.of(
                "cluster", Map.of("url", server.url("/")),
                "namespaces", List.of("shop"),
                "limits", limits,
                "resources", Map.of("service:cart", Map.of("namespace", "shop", "deployment", "cart", "targets", Map.of("consumers", "cart-worker")))));
    }

    private TestActionContext context(String resource, Map<String, String> parameters) {
        return new TestActionContext(resource, parameters, settings(Map.of("maxReplicas", "4", "memoryCeiling", "512Mi")), Duration.ofSeconds(10));
    }

    private Deployment cart() {
        return kube.apps().deployments().inNamespace("shop").withName("cart").get();
    }

    private static String memoryLimit(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("memory").toString();
    }

    @Test
    void scalingAddsReplicasWithinTheCeilingAndItsRollbackRestoresTheSpec() throws Exception {
        ScaleAction scale = new ScaleAction();
        TestActionContext context = context("service:cart", Map.of("by", "1"));
        String snapshot = scale.snapshot(context).orElseThrow();

        ActionResult result = scale.execute(context);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(cart().getSpec().getReplicas()).isEqualTo(3);
        assertThat(result.details()).containsEntry("replicasBefore", "2").containsEntry("replicasAfter", "3");
        assertThat(cart().getMetadata().getAnnotations()).containsEntry(Deployments.REMEDIATION, "rem-test-1");

        // The same remediation again (a retry, a restart of the service): done, not +1 again.
        assertThat(scale.execute(context).message()).contains("already carries");
        assertThat(scale.reconcile(context, Instant.now()).orElseThrow().succeeded()).isTrue();
        assertThat(cart().getSpec().getReplicas()).isEqualTo(3);

        ActionResult undone = scale.rollback(context, snapshot);
        assertThat(undone.succeeded()).as(undone.message()).isTrue();
        assertThat(cart().getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void scalingStopsAtTheCeilingAndRefusesAStepTooLarge() throws Exception {
        ScaleAction scale = new ScaleAction();
        ActionResult capped = scale.execute(context("deployment:shop/cart", Map.of("by", "3")));
        assertThat(capped.succeeded()).as(capped.message()).isTrue();
        assertThat(capped.message()).contains("from 2 to 4", "held at the ceiling");
        assertThat(cart().getSpec().getReplicas()).isEqualTo(4);

        kube.apps().deployments().inNamespace("shop").withName("cart").edit(d -> {
            d.getMetadata().getAnnotations().remove(Deployments.REMEDIATION);
            return d;
        });
        ActionResult atCeiling = scale.execute(context("deployment:shop/cart", Map.of()));
        assertThat(atCeiling.succeeded()).isFalse();
        assertThat(atCeiling.applicable()).isTrue();
        assertThat(atCeiling.message()).contains("ceiling of 4 (maxReplicas)");

        ActionResult tooLarge = scale.execute(context("deployment:shop/cart", Map.of("by", "9")));
        assertThat(tooLarge.succeeded()).isFalse();
        assertThat(tooLarge.message()).contains("parameter by must be a whole number from 1 to maxScaleStep (3), was '9'");
        assertThat(cart().getSpec().getReplicas()).isEqualTo(4);
    }

    @Test
    void aDeploymentAnAutoscalerManagesOrATargetConfigDoesNotNameIsLeftAlone() throws Exception {
        ActionResult unknown = new ScaleAction().execute(context("service:cart", Map.of("target", "consumers")));
        assertThat(unknown.applicable()).isFalse();
        assertThat(unknown.message()).contains("deployment shop/cart-worker does not exist");

        kube.autoscaling().v2().horizontalPodAutoscalers().inNamespace("shop").resource(new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName("cart").withNamespace("shop").endMetadata()
                .withNewSpec().withMinReplicas(2).withMaxReplicas(8).withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                .withName("cart").endScaleTargetRef().endSpec().build()).create();
        ActionResult managed = new ScaleAction().execute(context("service:cart", Map.of()));
        assertThat(managed.applicable()).isFalse();
        assertThat(managed.message()).contains("HorizontalPodAutoscaler cart manages the replicas");
        assertThat(cart().getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void rollbackPutsThePreviousRevisionsTemplateBackAndItsOwnRollbackRestoresTheSpec() throws Exception {
        RollbackAction rollback = new RollbackAction();
        TestActionContext context = context("pod:shop/cart-bbb-x1", Map.of());
        String snapshot = rollback.snapshot(context).orElseThrow();

        ActionResult result = rollback.execute(context);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.message()).contains("from revision 2 to revision 1", "cart-aaa");
        PodTemplateSpec template = cart().getSpec().getTemplate();
        assertThat(template.getSpec().getContainers().get(0).getImage()).isEqualTo("cart:1");
        assertThat(template.getMetadata().getLabels()).containsEntry("app", "cart").doesNotContainKey("pod-template-hash");

        assertThat(rollback.rollback(context, snapshot).succeeded()).isTrue();
        assertThat(cart().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("cart:2");
    }

    @Test
    void withoutAnEarlierRevisionRollbackIsNotApplicable() throws Exception {
        kube.apps().replicaSets().inNamespace("shop").withName("cart-aaa").delete();
        ActionResult result = new RollbackAction().execute(context("service:cart", Map.of()));
        assertThat(result.applicable()).isFalse();
        assertThat(result.message()).contains("keeps no revision older than 2");
        assertThat(cart().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("cart:2");
    }

    @Test
    void raisingMemoryMultipliesTheOomKilledContainersLimitWithinTheCeilingAndRollsBack() throws Exception {
        RaiseMemoryAction raise = new RaiseMemoryAction();
        TestActionContext context = context("pod:shop/cart-bbb-x1", Map.of("factor", "1.5"));
        String snapshot = raise.snapshot(context).orElseThrow();

        ActionResult result = raise.execute(context);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(memoryLimit(cart())).isEqualTo("384Mi");
        assertThat(result.details()).containsEntry("container", "app").containsEntry("limitBefore", "256Mi").containsEntry("limitAfter", "384Mi");
        assertThat(cart().getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getRequests().get("memory"))
                .hasToString("128Mi");

        assertThat(raise.rollback(context, snapshot).succeeded()).isTrue();
        assertThat(memoryLimit(cart())).isEqualTo("256Mi");
    }

    @Test
    void raisingMemoryStopsAtTheCeilingAndRefusesAFactorTooLarge() throws Exception {
        RaiseMemoryAction raise = new RaiseMemoryAction();
        ActionResult tooLarge = raise.execute(context("service:cart", Map.of("factor", "3")));
        assertThat(tooLarge.succeeded()).isFalse();
        assertThat(tooLarge.message()).contains("at most maxMemoryFactor (2.0), was '3'");
        assertThat(memoryLimit(cart())).isEqualTo("256Mi");

        ActionResult capped = raise.execute(context("service:cart", Map.of("factor", "2")));
        assertThat(capped.succeeded()).as(capped.message()).isTrue();
        assertThat(memoryLimit(cart())).isEqualTo("512Mi");
        assertThat(capped.message()).contains("held at the ceiling");

        kube.apps().deployments().inNamespace("shop").withName("cart").edit(d -> {
            d.getMetadata().getAnnotations().remove(Deployments.REMEDIATION);
            return d;
        });
        ActionResult atCeiling = raise.execute(context("service:cart", Map.of("factor", "1.2")));
        assertThat(atCeiling.succeeded()).isFalse();
        assertThat(atCeiling.message()).contains("at or above the ceiling of 512Mi");
    }

    @Test
    void rolloutRestartAnnotatesThePodTemplateOnce() throws Exception {
        RolloutRestartAction restart = new RolloutRestartAction();
        TestActionContext context = context("deployment:shop/cart", Map.of());
        ActionResult result = restart.execute(context);
        assertThat(result.succeeded()).as(result.message()).isTrue();
        String restartedAt = cart().getSpec().getTemplate().getMetadata().getAnnotations().get(RolloutRestartAction.RESTARTED_AT);
        assertThat(restartedAt).isEqualTo(result.details().get("restartedAt"));

        Thread.sleep(1_100);
        assertThat(restart.reconcile(context, Instant.now()).orElseThrow().message()).contains("already carries");
        assertThat(cart().getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(RolloutRestartAction.RESTARTED_AT, restartedAt);
        assertThat(restart.metadata().reversible()).isFalse();
    }

    @Test
    void deletingAPodLeavesItToItsControllerAndRefusesAPodWithout() throws Exception {
        DeletePodAction delete = new DeletePodAction();
        ActionResult result = delete.execute(context("pod:shop/cart-bbb-x1", Map.of()));
        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.message()).contains("ReplicaSet cart-bbb replaces it");
        assertThat(kube.pods().inNamespace("shop").withName("cart-bbb-x1").get()).isNull();

        ActionResult bare = delete.execute(context("pod:shop/bare", Map.of()));
        assertThat(bare.succeeded()).isFalse();
        assertThat(bare.applicable()).isTrue();
        assertThat(bare.message()).contains("has no controller");
        assertThat(kube.pods().inNamespace("shop").withName("bare").get()).isNotNull();

        ActionResult gone = delete.execute(context("pod:shop/cart-bbb-x1", Map.of()));
        assertThat(gone.applicable()).isFalse();
    }

    @Test
    void aResourceOutsideTheAllowListOrNotAKubernetesNameIsNeverSentToTheApi() throws Exception {
        kube.apps().deployments().inNamespace("kube-system").resource(new DeploymentBuilder().withNewMetadata().withName("dns")
                .withNamespace("kube-system").endMetadata().withNewSpec().withReplicas(2).withTemplate(template("dns:1", "64Mi", null)).endSpec()
                .build()).create();
        int before = server.getRequestCount();
        for (String resource : List.of("deployment:kube-system/dns", "pod:shop/../kube-system/dns", "pod:shop/Cart", "deployment:shop",
                "service:unknown", "pod:shop/a b")) {
            for (RemediationAction action : List.of(new ScaleAction(), new DeletePodAction(), new RollbackAction(), new RaiseMemoryAction(),
                    new RolloutRestartAction())) {
                ActionResult result = action.execute(context(resource, Map.of()));
                assertThat(result.applicable()).as(action.id() + " on " + resource + ": " + result.message()).isFalse();
                assertThat(result.succeeded()).isFalse();
            }
        }
        assertThat(server.getRequestCount()).as("requests sent for refused resources").isEqualTo(before);
        assertThat(kube.apps().deployments().inNamespace("kube-system").withName("dns").get().getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void anUnreachableApiIsARetryableFailureThatSaysSo() throws Exception {
        String url = server.url("/");
        server.destroy();
        TestActionContext context = new TestActionContext("service:cart", Map.of(), new PluginSettings("plugins.settings.kubernetes", Map.of(
                "cluster", Map.of("url", url, "token", "s3cret-token"), "namespaces", List.of("shop"),
                "resources", Map.of("service:cart", Map.of("namespace", "shop", "deployment", "cart")))), Duration.ofSeconds(5));
        ActionResult result = new ScaleAction().execute(context);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.retryable()).as(result.message()).isTrue();
        assertThat(result.message()).startsWith("Kubernetes API at " + url).contains("could not be reached: ConnectException").doesNotContain("s3cret-token");
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
    }

    @Test
    void badSettingsAreReportedWithTheirPaths() {
        List<String> problems = new ScaleAction().validate(new PluginSettings("plugins.settings.kubernetes", Map.of(
                "cluster", Map.of("url", "ftp://x", "insecureSkipTlsVerify", "maybe"),
                "namespaces", List.of("Shop"),
                "limits", Map.of("memoryCeiling", "lots"),
                "resources", Map.of("service:a", Map.of("namespace", "shop")))));
        assertThat(String.join("\n", problems)).contains(
                "plugins.settings.kubernetes.cluster.url must be an http(s) URL, was 'ftp://x'",
                "plugins.settings.kubernetes.limits.memoryCeiling must be a Kubernetes quantity such as 4Gi or 512Mi, was 'lots'");
        assertThat(new ScaleAction().validate(settings(Map.of()))).isEmpty();
    }

    @Test
    void thePodCollectorReportsReadinessRestartsAndEachTerminationOnce() throws Exception {
        kube.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-1").withNamespace("shop").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("web:1").endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
                .withContainerStatuses(new ContainerStatusBuilder().withName("web").withRestartCount(7).withNewState().withNewWaiting()
                        .withReason("CrashLoopBackOff").endWaiting().endState().build()).endStatus().build()).create();
        PodCollector collector = new PodCollector();
        PluginSettings target = new PluginSettings("collectors.targets[0].settings", Map.of("namespace", "shop", "cluster", Map.of("url", server.url("/"))));
        assertThat(collector.validate(target)).isEmpty();
        var context = new io.homeostat.plugin.api.testing.TestCollectorContext("cluster:test", target, Duration.ofSeconds(10));
        var first = collector.collect(context);
        assertThat(first).anySatisfy(r -> {
            assertThat(r.resource()).isEqualTo("pod:shop/cart-bbb-x1");
            assertThat(r.metric()).isEqualTo("pod.terminated");
            assertThat(r.labels()).containsEntry("reason", "OOMKilled").containsEntry("exitCode", "137");
        });
        assertThat(first).anySatisfy(r -> {
            assertThat(r.resource()).isEqualTo("pod:shop/web-1");
            assertThat(r.metric()).isEqualTo("pod.waiting");
            assertThat(r.labels()).containsEntry("reason", "CrashLoopBackOff");
        });
        assertThat(first).anySatisfy(r -> assertThat(List.of(r.resource(), r.metric(), r.value())).containsExactly("pod:shop/web-1", "pod.restarts", 7.0));
        assertThat(first).anySatisfy(r -> assertThat(List.of(r.resource(), r.metric(), r.value())).containsExactly("pod:shop/web-1", "pod.ready", 1.0));
        assertThat(first).anySatisfy(r -> assertThat(List.of(r.resource(), r.metric(), r.value())).containsExactly("pod:shop/cart-bbb-x1", "pod.ready", 0.0));
        assertThat(first).anySatisfy(r -> assertThat(List.of(r.metric(), r.value())).containsExactly("kubernetes.pods", 3.0));

        // The same termination at the next collection is not news.
        assertThat(collector.collect(context)).noneMatch(r -> r.metric().equals("pod.terminated"));

        // A new one is.
        kube.pods().inNamespace("shop").withName("cart-bbb-x1").edit(p -> {
            p.getStatus().getContainerStatuses().get(0).getLastState().getTerminated().setFinishedAt(Instant.now().plusSeconds(1).toString());
            return p;
        });
        assertThat(collector.collect(context)).filteredOn(r -> r.metric().equals("pod.terminated")).hasSize(1);
    }

}
