package dev.tiergate.aot;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tiergate.cache.TieredCacheEvict;
import dev.tiergate.cache.TieredCachePut;
import dev.tiergate.cache.TieredCacheable;
import dev.tiergate.ratelimit.RateLimited;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints {@link TiergateBeanRegistrationAotProcessor} registers for the beans with
 * annotated methods: the methods, and JSON binding of what goes to Redis.
 */
class BeanRegistrationHintsTests {

	private final TiergateBeanRegistrationAotProcessor processor = new TiergateBeanRegistrationAotProcessor();

	@Test
	void aBeanWithoutTiergateAnnotationsContributesNothing() {
		assertThat(this.processor.processAheadOfTime(registered(Plain.class))).isNull();
	}

	@Test
	void theReturnTypeOfACachedMethodIsBoundIncludingItsGenerics() throws Exception {
		RuntimeHints hints = hintsOf(Catalog.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Offer.class, "price")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(Offer.class.getDeclaredConstructors()[0]))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Product.class, "name")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Stock.class, "count")).as("an Optional's content")
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Catalog.class.getMethod("offers", String.class)))
			.as("the advice invokes the method")
			.accepts(hints);
	}

	@Test
	void theParametersThatKeysAndExpressionsReadAreBound() throws Exception {
		RuntimeHints hints = hintsOf(Catalog.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Query.class, "text")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Prompt.class, "cost")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Prompt.class, "estimate"))
			.as("a method that is no property, as a cost expression may call")
			.accepts(hints);
		Method evict = Catalog.class.getMethod("evict", long.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(evict)).accepts(hints);
	}

	@Test
	void methodsInheritedFromASuperclassAreSeen() throws Exception {
		RuntimeHints hints = hintsOf(SpecialCatalog.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Offer.class, "price")).accepts(hints);
	}

	private RuntimeHints hintsOf(Class<?> beanClass) {
		BeanRegistrationAotContribution contribution = this.processor.processAheadOfTime(registered(beanClass));
		assertThat(contribution).isNotNull();
		DefaultGenerationContext context = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("dev.tiergate.aot", "Generated")), new InMemoryGeneratedFiles());
		contribution.applyTo(context, null);
		return context.getRuntimeHints();
	}

	private static RegisteredBean registered(Class<?> beanClass) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(beanClass));
		return RegisteredBean.of(beanFactory, "bean");
	}

	static class Plain {

		public String hello() {
			return "hello";
		}

	}

	public static class Catalog {

		@TieredCacheable("offers")
		public List<Offer> offers(String text) {
			return List.of();
		}

		@TieredCacheable(value = "search", key = "#query.text()")
		public Map<String, Product> search(Query query) {
			return Map.of();
		}

		@TieredCachePut(value = "stock", key = "#id")
		public Optional<Stock> stock(long id) {
			return Optional.empty();
		}

		@TieredCacheEvict(value = "offers", allEntries = true)
		public void evict(long id) {
		}

		@RateLimited(value = "chat", costExpression = "#prompt.cost()")
		public String ask(Prompt prompt) {
			return "";
		}

	}

	public static class SpecialCatalog extends Catalog {

	}

	public record Offer(String sku, long price) {
	}

	public record Product(String name) {
	}

	public record Stock(long count) {
	}

	public record Query(String text) {
	}

	public record Prompt(String text, long cost) {

		public long estimate() {
			return this.text.length() / 500 + 1;
		}

	}

}
