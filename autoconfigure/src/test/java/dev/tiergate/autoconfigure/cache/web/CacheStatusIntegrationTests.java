package dev.tiergate.autoconfigure.cache.web;

import java.time.Duration;

import dev.tiergate.cache.TieredCache;
import dev.tiergate.cache.TieredCaches;
import dev.tiergate.test.TestRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;

/**
 * RFC 9211's {@code Cache-Status} on controller methods whose results come through tiered
 * caches, and a request's {@code Cache-Control: no-cache}.
 */
@SpringBootTest(classes = CacheStatusTestApplication.class)
@AutoConfigureMockMvc
class CacheStatusIntegrationTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private TieredCaches caches;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", () -> TestRedis.shared().uri());
		for (String property : CacheStatusTestApplication.PROPERTIES) {
			String[] nameAndValue = property.split("=", 2);
			registry.add(nameAndValue[0], () -> nameAndValue[1]);
		}
	}

	@BeforeEach
	void startClean() {
		this.caches.all().forEach(TieredCache::clear);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.caches.all().stream().noneMatch(TieredCache::isRemovingEarlierGenerations));
	}

	@Test
	void aSpringCacheableResultSaysWhereItCameFrom() throws Exception {
		expectStoredThenL1ThenL2("/reviews/1");
	}

	@Test
	void aTieredCacheableResultSaysWhereItCameFrom() throws Exception {
		expectStoredThenL1ThenL2("/products/1");
	}

	private void expectStoredThenL1ThenL2(String path) throws Exception {
		expectStatus(get(path), "tiergate; fwd=miss; stored");
		expectStatus(get(path), "tiergate; hit; detail=l1");
		this.caches.clearL1();
		expectStatus(get(path), "tiergate; hit; detail=l2");
	}

	@Test
	void noCacheBypassesBothTiersOfACacheThatHonoursItAndStoresTheFreshResult() throws Exception {
		this.mvc.perform(get("/fresh/2")).andExpect(content().string("fresh 2 #1"));
		expectStatus(get("/fresh/2").header("Cache-Control", "no-cache"), "tiergate; fwd=bypass")
			.andExpect(content().string("fresh 2 #2"));
		expectStatus(get("/fresh/2"), "tiergate; hit; detail=l1").andExpect(content().string("fresh 2 #2"));
		this.caches.clearL1();
		this.mvc.perform(get("/fresh/2")).andExpect(content().string("fresh 2 #2"));
	}

	@Test
	void noCacheBypassesATieredCacheableOnlyWhenItsCacheHonoursIt() throws Exception {
		this.mvc.perform(get("/products/3")).andExpect(content().string("product 3 #1"));
		expectStatus(get("/products/3").header("Cache-Control", "max-age=0, no-cache"), "tiergate; hit; detail=l1")
			.andExpect(content().string("product 3 #1"));
		this.mvc.perform(get("/fresh-tiered/3")).andExpect(content().string("fresh tiered 3 #1"));
		expectStatus(get("/fresh-tiered/3").header("Cache-Control", "no-cache"), "tiergate; fwd=bypass")
			.andExpect(content().string("fresh tiered 3 #2"));
		this.caches.clearL1();
		expectStatus(get("/fresh-tiered/3"), "tiergate; hit; detail=l2").andExpect(content().string("fresh tiered 3 #2"));
	}

	@Test
	void aCacheCanBeKeptOutOfTheHeader() throws Exception {
		this.mvc.perform(get("/quiet/4")).andExpect(header().doesNotExist("Cache-Status"));
		this.mvc.perform(get("/quiet/4")).andExpect(header().doesNotExist("Cache-Status"));
	}

	@Test
	void aResultThatCameThroughNoCacheHasNoHeader() throws Exception {
		this.mvc.perform(get("/plain")).andExpect(header().doesNotExist("Cache-Status"));
	}

	private ResultActions expectStatus(MockHttpServletRequestBuilder request,
			String status) throws Exception {
		return this.mvc.perform(request).andExpect(header().string("Cache-Status", status));
	}

}
