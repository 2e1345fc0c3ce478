package dev.tiergate.demo;

import java.util.concurrent.TimeUnit;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP API of the {@link ProductCatalog}. Lookups tell in headers where the product came
 * from (tiergate's {@code Cache-Status}, RFC 9211: {@code tiergate; hit; detail=l1} or
 * {@code l2}, {@code tiergate; fwd=miss; stored}), how many calls the backend has had so
 * far and how long the lookup took, to show the cache at work.
 */
@RestController
@RequestMapping("/api/products")
public class ProductController {

	static final String BACKEND_CALLS_HEADER = "X-Backend-Calls";

	static final String RESPONSE_TIME_HEADER = "X-Response-Time-Ms";

	private final ProductCatalog catalog;

	public ProductController(ProductCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/{id}")
	public ResponseEntity<Product> find(@PathVariable long id) {
		long start = System.nanoTime();
		Product product = this.catalog.find(id);
		long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		return ResponseEntity.status((product != null) ? HttpStatus.OK : HttpStatus.NOT_FOUND)
			.header(BACKEND_CALLS_HEADER, Long.toString(this.catalog.backendCalls()))
			.header(RESPONSE_TIME_HEADER, Long.toString(elapsed))
			.body(product);
	}

	@PutMapping("/{id}")
	public ResponseEntity<Product> update(@PathVariable long id, @RequestBody ProductChanges changes) {
		Product product = this.catalog.update(id, changes);
		return (product != null) ? ResponseEntity.ok(product) : ResponseEntity.notFound().build();
	}

}
