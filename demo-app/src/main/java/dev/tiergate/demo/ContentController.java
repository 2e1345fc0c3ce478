package dev.tiergate.demo;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP API of the {@link ContentLibrary}: {@code GET /api/content/{slug}}, cached and
 * rate-limited, with tiergate's {@code Cache-Status} header as the product lookups.
 */
@RestController
public class ContentController {

	private final ContentLibrary library;

	public ContentController(ContentLibrary library) {
		this.library = library;
	}

	@GetMapping("/api/content/{slug}")
	public ResponseEntity<Article> find(@PathVariable String slug) {
		if (!ContentLibrary.isValidSlug(slug)) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.ok(this.library.find(slug));
	}

}
