package dev.chunkedupload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the layout of the style guide: protocols and pages depend on the core, the core
 * on storage, never the other way, and no protocol on another. Inside the core, the
 * layers of docs/design.md: services over features over the write pipeline and leases
 * over the model; stores are reached through their interface only. Packages and classes
 * stay small enough to read.
 */
class ArchitectureTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.chunkedupload");

	@Test
	void packagesWhenImportedThenFreeOfCycles() {
		slices().matching("dev.chunkedupload.(**)").should().beFreeOfCycles().check(classes);
	}

	@Test
	void protocolsWhenImportedThenIndependentOfEachOther() {
		slices().matching("dev.chunkedupload.protocol.(*)..").should().notDependOnEachOther().check(classes);
	}

	@Test
	void coreWhenImportedThenKnowsNothingOfHttpOrAdapters() {
		noClasses().that()
			.resideInAnyPackage("dev.chunkedupload.upload..", "dev.chunkedupload.storage..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("jakarta.servlet..", "org.springframework.http..", "org.springframework.web..",
					"dev.chunkedupload.protocol..", "dev.chunkedupload.web..", "dev.chunkedupload.security..")
			.check(classes);
	}

	@Test
	void storageWhenImportedThenKnowsNothingOfTheCoreOrJpa() {
		noClasses().that()
			.resideInAPackage("dev.chunkedupload.storage..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.chunkedupload.upload..", "jakarta.persistence..", "org.springframework.data..")
			.check(classes);
	}

	@Test
	void protocolsAndPagesWhenImportedThenDoNotReachIntoEachOther() {
		noClasses().that()
			.resideInAPackage("dev.chunkedupload.web..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.chunkedupload.protocol..")
			.check(classes);
		noClasses().that()
			.resideInAPackage("dev.chunkedupload.protocol..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.chunkedupload.web..")
			.check(classes);
	}

	@Test
	void coreWhenImportedThenLayeredFromModelUpToTheServices() {
		layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.chunkedupload..")
			.layer("services")
			.definedBy("dev.chunkedupload.upload")
			.layer("features")
			.definedBy("dev.chunkedupload.upload.numbered..", "dev.chunkedupload.upload.concat..",
					"dev.chunkedupload.upload.attach..", "dev.chunkedupload.upload.quota..")
			.layer("write")
			.definedBy("dev.chunkedupload.upload.write..")
			.layer("lease")
			.definedBy("dev.chunkedupload.upload.lease..")
			.layer("model")
			.definedBy("dev.chunkedupload.upload.model..", "dev.chunkedupload.upload.error..",
					"dev.chunkedupload.upload.hash..", "dev.chunkedupload.upload.metrics..")
			.layer("stores")
			.definedBy("dev.chunkedupload.storage..")
			.layer("adapters")
			.definedBy("dev.chunkedupload.protocol..", "dev.chunkedupload.web..", "dev.chunkedupload.documents..",
					"dev.chunkedupload.forms..", "dev.chunkedupload.security..", "dev.chunkedupload.problem..",
					"dev.chunkedupload.multipart..", "dev.chunkedupload.integration..", "dev.chunkedupload.apidocs..")
			.whereLayer("adapters")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("services")
			.mayOnlyBeAccessedByLayers("adapters")
			.whereLayer("features")
			.mayOnlyBeAccessedByLayers("adapters", "services", "features")
			.whereLayer("write")
			.mayOnlyBeAccessedByLayers("services", "features")
			.whereLayer("lease")
			.mayOnlyBeAccessedByLayers("services", "features", "write")
			.whereLayer("model")
			.mayOnlyBeAccessedByLayers("adapters", "services", "features", "write", "lease")
			.check(classes);
	}

	@Test
	void problemDetailsWhenImportedThenKnowNothingElseOfTheProject() {
		noClasses().that()
			.resideInAPackage("dev.chunkedupload.problem..")
			.should()
			.dependOnClassesThat(
					resideInAPackage("dev.chunkedupload..").and(not(resideInAPackage("dev.chunkedupload.problem.."))))
			.check(classes);
	}

	@Test
	void coreWhenImportedThenKnowsNothingOfProblemDetails() {
		noClasses().that()
			.resideInAnyPackage("dev.chunkedupload.upload..", "dev.chunkedupload.storage..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.chunkedupload.problem..")
			.check(classes);
	}

	@Test
	void storageInterfaceWhenImportedThenKnowsNoStoreImplementation() {
		noClasses().that()
			.resideInAPackage("dev.chunkedupload.storage")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.chunkedupload.storage.filesystem..")
			.check(classes);
	}

	@Test
	void coreAndAdaptersWhenImportedThenReachStoresOnlyThroughTheInterface() {
		noClasses().that()
			.resideOutsideOfPackage("dev.chunkedupload.storage..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.chunkedupload.storage.filesystem..")
			.check(classes);
	}

	@Test
	void packagesWhenImportedThenEachHasAtMostTwentyClassFiles() {
		Map<String, Long> sizes = classes.stream()
			.filter((javaClass) -> javaClass.isTopLevelClass() && !javaClass.getSimpleName().equals("package-info"))
			.collect(Collectors.groupingBy(JavaClass::getPackageName, Collectors.counting()));
		assertThat(sizes).allSatisfy((name, count) -> assertThat(count).as(name).isLessThanOrEqualTo(20));
	}

	@Test
	void sourcesWhenReadThenNoClassReachesFourHundredLines() throws IOException {
		try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
			Map<Path, Long> lengths = sources.filter((path) -> path.toString().endsWith(".java"))
				.collect(Collectors.toMap((path) -> path, ArchitectureTests::lineCount));
			assertThat(lengths).isNotEmpty()
				.allSatisfy((path, lines) -> assertThat(lines).as(path.toString()).isLessThan(400));
		}
	}

	private static long lineCount(Path path) {
		try (Stream<String> lines = Files.lines(path)) {
			return lines.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
