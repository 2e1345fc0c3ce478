package dev.tiergate.demo;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP API of the {@link ProductReviews}, cached through Spring's {@code @Cacheable}. Its
 * lookups carry the same headers as those of {@link ProductController}: tiergate's
 * {@code Cache-Status}, the backend calls so far and how long the lookup took.
 */
@RestController
@RequestMapping("/api/products/{id}/reviews")
public class ReviewController {

	private final ProductReviews reviews;

	public ReviewController(ProductReviews reviews) {
		this.reviews = reviews;
	}

	@GetMapping
	public ResponseEntity<List<Review>> find(@PathVariable long id) {
		long start = System.nanoTime();
		List<Review> found = this.reviews.forProduct(id);
		long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		return ResponseEntity.ok()
			.header(ProductController.BACKEND_CALLS_HEADER, Long.toString(this.reviews.backendCalls()))
			.header(ProductController.RESPONSE_TIME_HEADER, Long.toString(elapsed))
			.body(found);
	}

	@PostMapping
	public ResponseEntity<List<Review>> add(@PathVariable long id, @RequestBody Review review) {
		if (review.rating() < 1 || review.rating() > 5) {
			return ResponseEntity.badRequest().build();
		}
		return ResponseEntity.status(HttpStatus.CREATED).body(this.reviews.add(id, review));
	}

}
