package dev.tiergate.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.tiergate.cache.TieredCaches;
import dev.tiergate.ratelimit.RateLimiters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the demo page in a real browser: Debian's {@code chromium}, headless, driven
 * through Debian's {@code chromedriver} with Selenium. Both paths are set explicitly, so
 * Selenium Manager never runs and nothing is downloaded. Without them the test fails,
 * saying what to install ({@code .ci/run} installs them). Runs in the context of
 * {@link EmbeddedRedisApplicationTests}, on the embedded Redis the page stops and starts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.backend-delay=20ms", "tiergate.redis.timeout=2s" })
class DemoPageBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	/** The page refreshes every second; tiergate notices a stopped Redis at once. */
	private static final Duration SHOWS_FALLBACK_WITHIN = Duration.ofSeconds(10);

	private static final Duration SHOWS_TIERED_WITHIN = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private TieredCaches caches;

	@Autowired
	private RateLimiters rateLimiters;

	@Autowired
	private StreamingChatAssistant assistant;

	private WebDriver browser;

	@BeforeEach
	void startBrowser(@TempDir Path profile) {
		assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
			.as("%s and %s are needed: apt-get install chromium chromium-driver", CHROMIUM, CHROMEDRIVER)
			.isTrue();
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=1200,900", "--user-data-dir=" + profile.toAbsolutePath());
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void stopBrowserAndRestartRedis() {
		if (this.browser != null) {
			this.browser.quit();
		}
		// Leave the shared context as it was found, whatever the test did.
		DemoClient demo = new DemoClient(this.port);
		demo.post("/demo/redis/start");
		await().atMost(SHOWS_TIERED_WITHIN)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> "UP".equals(DemoClient.tiergateStatus(demo.health())));
	}

	@Test
	void pageShowsTheRedisModeAndFollowsTheRedisSwitches() {
		this.browser.get("http://localhost:" + this.port + "/");
		assertThat(this.browser.getTitle()).isEqualTo("tiergate demo");
		awaitMode("TIERED", "TIERED", SHOWS_TIERED_WITHIN);

		click("fetch-product-1");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(text("last-x-cache")).matches("Cache-Status: tiergate; (hit; detail=l[12]|fwd=miss; stored)"));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.browser.findElements(By.id("cache-products"))).hasSize(1));

		click("redis-stop");
		awaitMode("L1_ONLY", "L1_ONLY (fallback)", SHOWS_FALLBACK_WITHIN);
		assertThat(text("health-status")).isEqualTo("DEGRADED");
		click("fetch-product-1");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(this.browser.findElements(By.cssSelector("#request-log tbody tr"))).hasSize(3);
			assertThat(text("last-x-cache")).isEqualTo("Cache-Status: tiergate; hit; detail=l1");
		});
		WebElement lastRequest = this.browser.findElement(By.cssSelector("#request-log tbody tr"));
		assertThat(lastRequest.getText()).contains("GET /api/products/1", "200", "Cache-Status: tiergate; hit; detail=l1");

		click("redis-start");
		awaitMode("TIERED", "TIERED", SHOWS_TIERED_WITHIN);
		assertThat(text("health-status")).isEqualTo("UP");
	}

	@Test
	void pageSendsRateLimitedCallsAndShowsTheTiers() {
		this.browser.get("http://localhost:" + this.port + "/");
		awaitMode("TIERED", "TIERED", SHOWS_TIERED_WITHIN);
		await().atMost(Duration.ofSeconds(5))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> {
				assertThat(text("rate-limit-mode")).isEqualTo("DISTRIBUTED");
				assertThat(this.browser.findElement(By.cssSelector("#tier-chat .limits")).getText())
					.isEqualTo("5, +1 per 10s");
			});
		for (int i = 1; i <= 6; i++) {
			int sent = i;
			click("ask-chat");
			// One at a time, so the log shows them in order.
			await().atMost(Duration.ofSeconds(5))
				.ignoreException(StaleElementReferenceException.class)
				.until(() -> this.browser.findElements(By.cssSelector("#request-log tbody tr")).size() == sent);
		}
		String rejected = this.browser.findElement(By.cssSelector("#request-log tbody tr")).getText();
		assertThat(rejected).contains("POST /api/chat", "429", "X-RateLimit-Remaining: 0", "Retry-After: ");
		await().atMost(Duration.ofSeconds(5))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> assertThat(
					Long.parseLong(this.browser.findElement(By.cssSelector("#tier-chat .rejected")).getText()))
				.isPositive());
	}

	@Test
	void pageDrawsTheHitRatiosAndLookupRateOfTheLastMinutes() {
		this.browser.get("http://localhost:" + this.port + "/");
		awaitMode("TIERED", "TIERED", SHOWS_TIERED_WITHIN);
		for (int i = 0; i < 3; i++) {
			click("fetch-product-2");
			click("fetch-product-3");
			await().atMost(Duration.ofSeconds(5))
				.ignoreException(StaleElementReferenceException.class)
				.until(() -> text("last-x-cache").startsWith("Cache-Status: "));
		}
		// A point per refresh after the first: a line of the rate is two points or more.
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(200))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> {
				WebElement chart = this.browser.findElement(By.id("activity-chart"));
				assertThat(Integer.parseInt(chart.getDomAttribute("data-samples"))).isGreaterThanOrEqualTo(4);
				assertThat(pathPoints("chart-rate")).isGreaterThanOrEqualTo(2);
				assertThat(pathPoints("chart-l1")).isPositive();
				assertThat(text("chart-rate-max")).matches("\\d+");
			});
		String rate = this.browser.findElement(By.id("chart-rate")).getDomAttribute("d");
		assertThat(rate).matches("M[0-9.]+ [0-9.]+( [ML][0-9.]+ [0-9.]+)+");
	}

	@Test
	void reviewsPanelShowsSpringsCacheableServedFromL1TheSecondTime() {
		this.caches.get("reviews").clear();
		this.browser.get("http://localhost:" + this.port + "/");
		awaitMode("TIERED", "TIERED", SHOWS_TIERED_WITHIN);

		click("fetch-reviews-1");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(text("reviews-cache-status")).isEqualTo("Cache-Status: tiergate; fwd=miss; stored"));
		long firstLookup = lookupMillis(text("reviews-time"));
		click("fetch-reviews-1");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(text("reviews-cache-status")).isEqualTo("Cache-Status: tiergate; hit; detail=l1"));
		assertThat(lookupMillis(text("reviews-time"))).as("an L1 hit, against a backend call of 20 ms")
			.isLessThan(firstLookup);
		assertThat(text("last-x-cache")).as("the products panel has its own line").isEqualTo("no request yet");
		await().atMost(Duration.ofSeconds(5))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> assertThat(this.browser.findElements(By.id("cache-reviews"))).hasSize(1));

		// Posting a review evicts the product's reviews: the next fetch calls the backend.
		click("post-review-1");
		await().atMost(Duration.ofSeconds(5))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> assertThat(this.browser.findElement(By.cssSelector("#request-log tbody tr")).getText())
				.contains("POST /api/products/1/reviews", "201"));
		click("fetch-reviews-1");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(text("reviews-cache-status")).isEqualTo("Cache-Status: tiergate; fwd=miss; stored"));
	}

	@Test
	void chatStreamBoxFillsWithTheStreamedAnswerThenReplaysItFromTheCache() {
		this.browser.get("http://localhost:" + this.port + "/");
		awaitMode("TIERED", "TIERED", SHOWS_TIERED_WITHIN);
		// Other tests of this class drain the page's chat bucket.
		this.rateLimiters.reset();
		this.caches.get("chat-streams").clear();
		long callsBefore = this.assistant.calls();

		click("chat-stream-ask");
		await().atMost(Duration.ofSeconds(20))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> {
				assertThat(this.browser.findElement(By.id("chat-stream-answer")).getDomAttribute("data-state"))
					.isEqualTo("done");
				assertThat(text("chat-stream-status")).endsWith("answers the model wrote so far: " + (callsBefore + 1));
			});
		String answer = text("chat-stream-answer");
		assertThat(answer).startsWith("Here is a thoughtful answer about Why stream an LLM answer?")
			.endsWith("replays it from the cache, all at once.");

		click("chat-stream-ask");
		await().atMost(Duration.ofSeconds(20))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> assertThat(this.browser.findElements(By.cssSelector("#request-log tbody tr")))
				.hasSize(2));
		assertThat(text("chat-stream-answer")).isEqualTo(answer);
		assertThat(text("chat-stream-status")).as("replayed: the model wrote nothing more")
			.matches("\\d+ tokens in \\d+ ms, the first after \\d+ ms; answers the model wrote so far: "
					+ (callsBefore + 1));
		assertThat(this.browser.findElement(By.cssSelector("#request-log tbody tr")).getText())
			.contains("GET /api/chat/stream?prompt=Why%20stream%20an%20LLM%20answer%3F", "200");
	}

	/** The server's lookup time from a panel's "lookup 21 ms, round trip 25 ms". */
	private static long lookupMillis(String time) {
		assertThat(time).matches("lookup \\d+ ms, round trip \\d+ ms");
		return Long.parseLong(time.substring("lookup ".length(), time.indexOf(' ', "lookup ".length())));
	}

	/** How many points an SVG path of the chart goes through. */
	private int pathPoints(String id) {
		String d = this.browser.findElement(By.id(id)).getDomAttribute("d");
		return (d == null || d.isBlank()) ? 0 : d.split("[ML]").length - 1;
	}

	private void awaitMode(String mode, String label, Duration within) {
		await().atMost(within)
			.pollInterval(Duration.ofMillis(100))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> {
				WebElement badge = this.browser.findElement(By.id("redis-mode"));
				assertThat(badge.getDomAttribute("data-mode")).isEqualTo(mode);
				assertThat(badge.getText()).isEqualTo(label);
			});
	}

	private void click(String id) {
		this.browser.findElement(By.id(id)).click();
	}

	private String text(String id) {
		return this.browser.findElement(By.id(id)).getText();
	}

}
