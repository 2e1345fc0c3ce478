package dev.tiergate.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the demo's executable jar ({@code spring-boot-maven-plugin}'s repackage):
 * started with {@code java -jar}, it runs its embedded Redis from inside the jar and
 * serves products from the tiers; the library modules inside it are plain jars.
 */
class ExecutableJarIT {

	@Test
	void jarStartsTheDemoWithItsEmbeddedRedisAndServesFromTheTiers() throws IOException {
		try (DemoJar demo = DemoJar.start("executable-jar-it", "--demo.backend-delay=20ms")) {
			DemoClient client = demo.client();
			ResponseEntity<JsonNode> health = client.health();
			assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(DemoClient.tiergateStatus(health)).isEqualTo("UP");
			assertThat(health.getBody().at("/components/tiergate/details/cacheMode").asString()).isEqualTo("TIERED");
			JsonNode redis = client.getJson("/demo/redis").getBody();
			assertThat(redis.get("embedded").asBoolean()).isTrue();
			assertThat(redis.get("running").asBoolean()).isTrue();

			ResponseEntity<String> first = client.product(1);
			assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(first.getBody()).contains("\"name\":\"Espresso machine\"");
			assertThat(DemoClient.cacheSource(first)).isEqualTo("BACKEND");
			assertThat(DemoClient.cacheSource(client.product(1))).isEqualTo("L1");
			assertThat(client.product(ProductCatalog.SIZE).getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(demo.logText()).contains("Using embedded Redis started at redis://127.0.0.1:");
		}
	}

	@Test
	void jarIsExecutableAndHoldsTheLibraryModulesAsPlainJars() throws IOException {
		try (JarFile jar = new JarFile(Path.of(System.getProperty("demo.jar")).toFile())) {
			assertThat(jar.getManifest().getMainAttributes().getValue("Start-Class"))
				.isEqualTo(DemoApplication.class.getName());
			List<JarEntry> libraries = jar.stream()
				.filter((entry) -> entry.getName().matches("BOOT-INF/lib/tiergate-spring-boot-.*\\.jar"))
				.toList();
			assertThat(libraries).extracting(JarEntry::getName)
				.anyMatch((name) -> name.contains("tiergate-spring-boot-autoconfigure"))
				.anyMatch((name) -> name.contains("tiergate-spring-boot-starter"));
			assertThat(jar.stream().map(JarEntry::getName)).anyMatch((name) -> name.startsWith("BOOT-INF/lib/embedded-redis-"));
			for (JarEntry library : libraries) {
				assertThat(entries(jar, library)).as("entries of %s", library.getName())
					.noneMatch((name) -> name.startsWith("BOOT-INF/") || name.startsWith("org/springframework/boot/loader/"));
			}
		}
	}

	private static List<String> entries(JarFile jar, JarEntry nested) throws IOException {
		try (InputStream in = jar.getInputStream(nested); JarInputStream nestedJar = new JarInputStream(in)) {
			List<String> names = new ArrayList<>();
			for (JarEntry entry = nestedJar.getNextJarEntry(); entry != null; entry = nestedJar.getNextJarEntry()) {
				names.add(entry.getName());
			}
			return names;
		}
	}

}
