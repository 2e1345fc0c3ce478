package dev.tiergate.ratelimit.interceptor;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

import dev.tiergate.ratelimit.ClientKeyResolver;
import dev.tiergate.ratelimit.ManualTimeMeter;
import dev.tiergate.ratelimit.OnRedisFailure;
import dev.tiergate.ratelimit.RateLimitCostException;
import dev.tiergate.ratelimit.RateLimitExceededException;
import dev.tiergate.ratelimit.RateLimitListener;
import dev.tiergate.ratelimit.RateLimitTier;
import dev.tiergate.ratelimit.RateLimited;
import dev.tiergate.ratelimit.RateLimiters;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RateLimitInterceptor}: what a {@code @RateLimited} call costs and which
 * bucket it takes from: a cost expression's result is charged exactly or refused, never clamped;
 * a key value names its bucket by its value, never by its identity.
 */
class RateLimitInterceptorTests {

	private static final RateLimitTier ORDERS = new RateLimitTier("orders",
			List.of(new RateLimitTier.Limit(100, 10, Duration.ofSeconds(1))), OnRedisFailure.LOCAL);

	private static final RateLimitTier CHAT = new RateLimitTier("chat",
			List.of(new RateLimitTier.Limit(5, 1, Duration.ofSeconds(10))), OnRedisFailure.LOCAL);

	private final RateLimiters limiters = new RateLimiters(List.of(ORDERS, CHAT), null, new ManualTimeMeter(), 1000);

	private final RateLimitOperationSource source = new RateLimitOperationSource(() -> this.limiters,
			(name) -> ClientKeyResolver.GLOBAL, null);

	private final Shop target = new Shop();

	private final Shop shop = proxy(this.target);

	/**
	 * Defect 19 of the 2026-12-02 review: {@code #items * 1000} with items = 2,147,484
	 * (2,147,484,000 tokens, 21 million times the capacity) wraps to a negative int and
	 * was clamped to 1 token.
	 */
	@Test
	void anOverflowingCostExpressionMustNotMakeAHugeCallCostOneToken() throws Exception {
		Method bulk = Shop.class.getMethod("bulk", int.class);
		RateLimitOperation operation = this.source.get(bulk, this.target);
		Object[] args = { 2_147_484 };
		assertThatExceptionOfType(RateLimitCostException.class)
			.isThrownBy(() -> operation.costOf(operation.method().evaluation(args, this.target, null)))
			.withMessageContaining("Shop.bulk(int)")
			.withMessageContaining("returned -2147483296")
			.withMessageContaining("negative");
		assertThatExceptionOfType(RateLimitCostException.class).isThrownBy(() -> this.shop.bulk(2_147_484));
		assertThat(this.target.calls).as("the method is not called").isZero();
		assertThat(remaining("orders")).as("no token taken").isEqualTo(100);
	}

	@Test
	void aCostAboveTheSmallestCapacityIsRefusedAtCallTimeNotRejectedAsIfAWaitCouldHelp() {
		this.shop.order(100);
		assertThat(this.target.calls).isOne();
		assertThatExceptionOfType(RateLimitCostException.class).isThrownBy(() -> this.shop.order(101))
			.withMessageContaining("returned 101")
			.withMessageContaining("more tokens than tier 'orders' ever holds (100)")
			.satisfies((ex) -> assertThat(ex.getTier()).isEqualTo("orders"));
		assertThat(this.target.calls).isOne();
	}

	@Test
	void costsBeyondALongNegativeOrFractionalAreRefusedAndWholeNumbersOfAnyTypeAreCharged() {
		assertThatExceptionOfType(RateLimitCostException.class).isThrownBy(() -> this.shop.huge(1))
			.withMessageContaining("beyond the range of a long");
		assertThatExceptionOfType(RateLimitCostException.class).isThrownBy(() -> this.shop.longOverflow(10_000_000_000L));
		assertThatExceptionOfType(RateLimitCostException.class).isThrownBy(() -> this.shop.fraction(7))
			.withMessageContaining("not a whole number");
		assertThatExceptionOfType(RateLimitCostException.class).isThrownBy(() -> this.shop.order(-1))
			.withMessageContaining("negative");
		assertThatExceptionOfType(RateLimitCostException.class).isThrownBy(() -> this.shop.fraction(Double.NaN));
		assertThat(this.target.calls).isZero();
		this.shop.fraction(6); // 6 / 3.0 = 2.0 tokens
		this.shop.decimal(); // BigDecimal 3.00
		assertThat(remaining("orders")).isEqualTo(95);
	}

	@Test
	void aCostOfZeroIsAFreeCall() {
		for (int i = 0; i < 200; i++) {
			this.shop.order(0);
		}
		assertThat(this.target.calls).isEqualTo(200);
		assertThat(remaining("orders")).isEqualTo(100);
	}

	/**
	 * Suspected in the 2026-12-02 review, and so: an array's toString() is its identity, so
	 * each call of a method keyed by an array argument got a bucket of its own. Written by
	 * content, 20 calls with equal arrays share one bucket of 5.
	 */
	@Test
	void equalArraysAreOneBucketNotABucketPerCall() {
		assertThat(allowedOf20((i) -> this.shop.byTags(new String[] { "team", "blue" }))).isEqualTo(5);
		assertThat(allowedOf20((i) -> this.shop.byIds(new long[] { 7, i % 2 }))).as("two buckets").isEqualTo(10);
		assertThat(allowedOf20((i) -> this.shop.byRecord(new Tenant("acme", new int[] { 1, 2 })))).isEqualTo(5);
	}

	@Test
	void setsAndMapsAreWrittenWhateverTheirIterationOrder() {
		assertThat(allowedOf20((i) -> this.shop.bySet((i % 2 == 0) ? new LinkedHashSet<>(List.of("a", "b"))
				: new LinkedHashSet<>(List.of("b", "a"))))).isEqualTo(5);
		assertThat(RateLimitKeyText.of(Map.of("x", 1, "y", List.of(2, 3)), "m"))
			.isEqualTo(RateLimitKeyText.of(new TreeMap<>(Map.of("y", List.of(2, 3), "x", 1)), "m"))
			.isEqualTo("{x=1, y=[2, 3]}");
	}

	@Test
	void aKeyWithAnIdentityToStringIsRefusedNamingTheMethodAndTheType() {
		assertThatIllegalStateException().isThrownBy(() -> this.shop.byDto(new Customer("alice")))
			.withMessageContaining("Shop.byDto(Customer)")
			.withMessageContaining(Customer.class.getName())
			.withMessageContaining("toString() is Object's");
		assertThatIllegalStateException().isThrownBy(() -> this.shop.byList(List.of(new Customer("bob"))))
			.withMessageContaining(Customer.class.getName());
		List<Object> cycle = new ArrayList<>();
		cycle.add(cycle);
		assertThatIllegalStateException().isThrownBy(() -> this.shop.byList(cycle)).withMessageContaining("deeper");
		assertThat(this.target.calls).isZero();
	}

	private int allowedOf20(IntConsumer call) {
		int allowed = 0;
		for (int i = 0; i < 20; i++) {
			try {
				call.accept(i);
				allowed++;
			}
			catch (RateLimitExceededException ex) {
				// rejected
			}
		}
		return allowed;
	}

	private long remaining(String tier) {
		return this.limiters.get(tier).check("global", 1).remaining() + 1;
	}

	private Shop proxy(Shop target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvice(new RateLimitInterceptor(this.source, () -> RateLimitListener.NONE, null));
		return (Shop) factory.getProxy();
	}

	static class Shop {

		int calls;

		@RateLimited(value = "orders", costExpression = "#items")
		public void order(int items) {
			this.calls++;
		}

		@RateLimited(value = "orders", costExpression = "#items * 1000")
		public void bulk(int items) {
			this.calls++;
		}

		@RateLimited(value = "orders", costExpression = "new java.math.BigInteger('99999999999999999999')")
		public void huge(int items) {
			this.calls++;
		}

		@RateLimited(value = "orders", costExpression = "#items * 1000000000000L")
		public void longOverflow(long items) {
			this.calls++;
		}

		@RateLimited(value = "orders", costExpression = "#items / 3.0")
		public void fraction(double items) {
			this.calls++;
		}

		@RateLimited(value = "orders", costExpression = "new java.math.BigDecimal('3.00')")
		public void decimal() {
			this.calls++;
		}

		@RateLimited(value = "chat", key = "#tags")
		public void byTags(String[] tags) {
		}

		@RateLimited(value = "chat", key = "#ids")
		public void byIds(long[] ids) {
		}

		@RateLimited(value = "chat", key = "#tenant")
		public void byRecord(Tenant tenant) {
		}

		@RateLimited(value = "chat", key = "#names")
		public void bySet(java.util.Set<String> names) {
		}

		@RateLimited(value = "chat", key = "#customer")
		public void byDto(Customer customer) {
			this.calls++;
		}

		@RateLimited(value = "chat", key = "#list")
		public void byList(List<Object> list) {
			this.calls++;
		}

	}

	record Tenant(String name, int[] regions) {
	}

	static final class Customer {

		final String name;

		Customer(String name) {
			this.name = name;
		}

	}

}
