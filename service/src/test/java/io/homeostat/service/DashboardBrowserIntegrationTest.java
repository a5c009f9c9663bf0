package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.Browser;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium, against the real service: sign in (a wrong key refused),
 * signals posted and the issue appearing live, an approval answered and the action seen running, a
 * decision's explanation opened gate by gate, what a rate limit holds back, and a viewer refused.
 * Screenshots go to target/screenshots.
 */
class DashboardBrowserIntegrationTest {
    /** The dashboard polls every 3 s; anything the API has must be on screen within 5 s without a reload. */
    private static final Duration LIVE = Duration.ofSeconds(5);

    @TempDir
    Path directory;

    private static String signal(String resource, String metric) {
        return "{\"resource\":\"" + resource + "\",\"metric\":\"" + metric + "\",\"value\":1,\"source\":\"test\"}";
    }

    @Test
    void anOperatorWatchesApprovesAndReadsWhyAViewerOnlyWatches() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).withFaultyPlugin()
                     .rule("dashboard-test.drl", RestartIntegrationTest.RULES)
                     .pluginSettings("faulty-test", Map.of("callLog", directory.resolve("calls.log").toString(), "slowMillis", 20_000))
                     .policy("rateLimits", Map.of("perTenantPerMinute", 3))
                     .execution("shutdownGrace", "1s")
                     .start();
             Browser browser = Browser.start()) {
            String operator = app.createKey("olga", "operator", "default");
            String viewer = app.createKey("victor", "viewer", "ops");
            WebDriver page = browser.driver();
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(10));

            // The page and its files come from the jar without a key; the data behind them does not.
            page.get(app.api("/"));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
            assertThat(app.getAs(null, app.api("/api/v1/issues")).statusCode()).isEqualTo(401);
            browser.screenshot("01-sign-in");

            // A wrong key is refused with a sentence; the right one is typed and sent with Enter (keyboard only).
            signInWith(page, "hst_not-a-key");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "not accepted"));
            signInWith(page, operator);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "olga · operator · tenant default"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live"), "live"));
            assertThat(text(page, "issue-list")).contains("No active issues");
            assertThat(page.findElement(By.id("health-score")).getText()).isEqualTo("100");
            assertThat(page.findElement(By.id("health")).getAttribute("data-colour")).isEqualTo("green");

            // Signals posted as a collector would: the issue and its approval appear without a reload.
            assertThat(app.signals(signal("service:risky", "test.risky")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(15)).until(() -> app.getJson("/api/v1/approvals").get("total").asInt() == 1);
            new WebDriverWait(page, LIVE).until(ExpectedConditions.textToBePresentInElementLocated(By.id("issue-list"), "service:risky"));
            new WebDriverWait(page, LIVE).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#approval-list tr[data-approval]")));
            assertThat(text(page, "issue-list")).contains("high").contains("test.risky");
            assertThat(page.findElement(By.id("health")).getAttribute("data-colour")).as("one high issue lowers the score").isNotEqualTo("green");
            browser.screenshot("02-issue-awaiting-approval");

            // Approve without a reason: told to give one; with one: the action runs and the timeline shows it.
            WebElement row = page.findElement(By.cssSelector("#approval-list tr[data-approval]"));
            row.findElement(By.xpath(".//button[text()='Approve']")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("approval-message"), "reason is required"));
            row.findElement(By.tagName("input")).sendKeys("checked with the on-call lead");
            row.findElement(By.xpath(".//button[text()='Approve']")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("approval-list"), "Nothing awaits approval"));
            new WebDriverWait(page, Duration.ofSeconds(15)).until(d -> text(d, "remediation-list").contains("faulty.risky")
                    && text(d, "remediation-list").contains("succeeded"));
            JsonNode answered = app.getJson("/api/v1/approvals?state=approved").get("items").get(0);
            assertThat(answered.get("decidedBy").asText()).isEqualTo("olga");
            assertThat(answered.get("reason").asText()).isEqualTo("checked with the on-call lead");

            // Why did it run: the decisions, and the one that ran explained gate by gate with its figures.
            page.findElement(By.cssSelector("#issue-list tr[data-issue] button")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("issue-detail")));
            wait.until(d -> !d.findElements(By.cssSelector("#detail-body tr[data-decision]")).isEmpty()
                    && text(d, "detail-body").contains("run"));
            List<WebElement> decisions = page.findElements(By.cssSelector("#detail-body tr[data-decision]"));
            decisions.get(decisions.size() - 1).findElement(By.tagName("button")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("explanation")));
            assertThat(page.findElement(By.id("explanation-title")).getText()).isEqualTo("Why faulty.risky ran");
            List<WebElement> gates = page.findElements(By.cssSelector("#explanation-body tr[data-gate]"));
            assertThat(gates.size()).as("every gate's verdict").isGreaterThan(5);
            assertThat(text(page, "explanation-body")).contains("approval").contains("pass");
            assertThat(page.findElements(By.cssSelector("#explanation-body td.figures")).stream().map(WebElement::getText)
                    .filter(figures -> figures.contains("=")).count()).as("gates show their figures").isGreaterThan(0);
            browser.screenshot("03-why-it-ran");
            // Closed from the keyboard.
            page.switchTo().activeElement().sendKeys(Keys.ESCAPE);
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("explanation")));

            // A storm over the tenant's limit of 3 a minute: what the limit holds back, by which gate, and until when.
            String[] storm = new String[6];
            for (int i = 0; i < storm.length; i++) {
                storm[i] = signal("service:s" + i, "test.storm");
            }
            app.signals(storm);
            new WebDriverWait(page, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#held-list tr[data-held]")).size() >= 2);
            String held = text(page, "held-list");
            assertThat(held).contains("rate.tenant").contains("faulty.slow");
            assertThat(app.getJson("/api/v1/deferred").get("items").findValuesAsText("gate")).containsOnly("rate.tenant");
            browser.screenshot("04-held-back-by-a-limit");

            // A first render under a second: a reload keeps the key (this tab) and shows the board with its data.
            page.navigate().refresh();
            wait.until(ExpectedConditions.attributeToBeNotEmpty(page.findElement(By.tagName("body")), "data-first-render-ms"));
            long firstRender = Long.parseLong(page.findElement(By.tagName("body")).getAttribute("data-first-render-ms"));
            long loaded = (Long) ((JavascriptExecutor) page).executeScript(
                    "return Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd)");
            System.out.printf("dashboard: DOM ready %d ms, first render with data %d ms after the script started%n", loaded, firstRender);
            assertThat(loaded + firstRender).as("first render (ms)").isLessThan(1000);
            browser.screenshot("05-dashboard");

            // A viewer (of another tenant: it sees that tenant's only) sees what waits, but its buttons are off; forced on, the API refuses it and the page says so.
            page.findElement(By.id("sign-out")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
            app.signals("{\"tenant\":\"ops\",\"resource\":\"service:risky-ops\",\"metric\":\"test.risky\",\"value\":1,\"source\":\"test\"}");
            await().atMost(Duration.ofSeconds(15)).until(() -> app.getJson("/api/v1/approvals").get("total").asInt() == 1);
            signInWith(page, viewer);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "victor · viewer · tenant ops"));
            WebElement waiting = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#approval-list tr[data-approval]")));
            WebElement approve = waiting.findElement(By.xpath(".//button[text()='Approve']"));
            assertThat(approve.isEnabled()).isFalse();
            assertThat(text(page, "approval-list")).contains("Signed in as viewer").contains("service:risky-ops");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("issue-list"), "service:risky-ops"));
            assertThat(text(page, "issue-list")).as("another tenant's issues are not shown").doesNotContain("service:s0");
            ((JavascriptExecutor) page).executeScript("arguments[0].disabled = false", approve);
            waiting.findElement(By.tagName("input")).sendKeys("I want to");
            approve.click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("approval-message"), "Refused"));
            assertThat(text(page, "approval-message")).contains("operator");
            browser.screenshot("06-viewer-refused");
            assertThat(app.getJson("/api/v1/approvals").get("total").asInt()).as("still pending").isEqualTo(1);
            HttpResponse<String> direct = app.postAs(viewer, "/api/v1/approvals/"
                    + app.getJson("/api/v1/approvals").get("items").get(0).get("id").asText() + "/approve", "{\"reason\":\"x\"}");
            assertThat(direct.statusCode()).isEqualTo(403);
        }
    }

    private static void signInWith(WebDriver page, String key) {
        WebElement field = page.findElement(By.id("key"));
        field.clear();
        field.sendKeys(key, Keys.ENTER);
    }

    private static String text(WebDriver page, String id) {
        return page.findElement(By.id(id)).getText();
    }
}
