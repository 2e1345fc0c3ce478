package dev.tiergate.demo;

import dev.tiergate.ratelimit.RateLimited;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/admin/stats}: how often the demo's slow backends were called, limited
 * by the {@code admin} tier (50 in a burst, 5 a second, per client).
 */
@RestController
public class AdminController {

	private final ProductCatalog catalog;

	private final ContentLibrary content;

	private final ChatAssistant assistant;

	public AdminController(ProductCatalog catalog, ContentLibrary content, ChatAssistant assistant) {
		this.catalog = catalog;
		this.content = content;
		this.assistant = assistant;
	}

	@GetMapping("/api/admin/stats")
	@RateLimited("admin")
	public BackendStats stats() {
		return new BackendStats(this.catalog.backendCalls(), this.content.renders(), this.assistant.calls());
	}

	/**
	 * Calls that reached the demo's slow backends since startup.
	 *
	 * @param productBackendCalls product lookups that missed both cache tiers
	 * @param contentRenders content pages that missed both cache tiers
	 * @param chatCalls prompts answered by the simulated language model
	 */
	public record BackendStats(long productBackendCalls, long contentRenders, long chatCalls) {
	}

}
