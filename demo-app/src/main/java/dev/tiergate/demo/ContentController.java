package dev.tiergate.demo;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP API of the {@link ContentLibrary}: {@code GET /api/content/{slug}}, cached and
 * rate-limited, with the {@code X-Cache} header of the product lookups.
 */
@RestController
public class ContentController {

	private final ContentLibrary library;

	private final CacheSourceTrace trace;

	public ContentController(ContentLibrary library, CacheSourceTrace trace) {
		this.library = library;
		this.trace = trace;
	}

	@GetMapping("/api/content/{slug}")
	public ResponseEntity<Article> find(@PathVariable String slug) {
		if (!ContentLibrary.isValidSlug(slug)) {
			return ResponseEntity.notFound().build();
		}
		CacheSourceTrace.Traced<Article> lookup = this.trace.trace(() -> this.library.find(slug));
		Article article = lookup.value();
		return ResponseEntity.ok().header(ProductController.CACHE_HEADER, lookup.source().name()).body(article);
	}

}
