package dev.chunkedupload;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.chunkedupload.problem.ProblemTable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring only routes the exception types an {@code @ExceptionHandler} annotation names,
 * and a {@link ProblemTable} only answers the types it has rows for. Each advice lists
 * the types twice, so this keeps the two lists in step: a type the annotation names
 * without a row would fail at run time, a row the annotation does not reach would never
 * answer.
 */
class ExceptionHandlerTablesTests {

	@Test
	void adviceWhenItAnswersFromATableThenAnnotationAndRowsCoverEachOther() throws Exception {
		List<Class<?>> advices = advices();
		assertThat(advices).hasSizeGreaterThanOrEqualTo(4);
		for (Class<?> advice : advices) {
			Set<Class<? extends Throwable>> rows = table(advice).types();
			List<Class<? extends Throwable>> handled = handled(advice);
			assertThat(handled).as("types that %s's handler names", advice.getSimpleName())
				.allSatisfy((type) -> assertThat(rows).as("rows of %s", advice.getSimpleName())
					.anySatisfy((row) -> assertThat(row).isAssignableFrom(type)));
			assertThat(rows).as("rows of %s", advice.getSimpleName())
				.allSatisfy((row) -> assertThat(handled).as("types that %s's handler names", advice.getSimpleName())
					.anySatisfy((type) -> assertThat(type).isAssignableFrom(row)));
		}
	}

	private static List<Class<?>> advices() throws ClassNotFoundException {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(RestControllerAdvice.class));
		List<Class<?>> advices = new ArrayList<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents(Application.class.getPackageName())) {
			Class<?> advice = ClassUtils.forName(candidate.getBeanClassName(), null);
			if (Stream.of(advice.getDeclaredFields()).anyMatch(ExceptionHandlerTablesTests::isTable)) {
				advices.add(advice);
			}
		}
		return advices;
	}

	private static ProblemTable table(Class<?> advice) throws IllegalAccessException {
		Field field = Stream.of(advice.getDeclaredFields())
			.filter(ExceptionHandlerTablesTests::isTable)
			.findFirst()
			.orElseThrow();
		field.setAccessible(true);
		return (ProblemTable) field.get(null);
	}

	private static boolean isTable(Field field) {
		return field.getType() == ProblemTable.class && Modifier.isStatic(field.getModifiers());
	}

	private static List<Class<? extends Throwable>> handled(Class<?> advice) {
		return Stream.of(advice.getDeclaredMethods())
			.map((method) -> AnnotatedElementUtils.findMergedAnnotation(method, ExceptionHandler.class))
			.filter((annotation) -> annotation != null)
			.flatMap((annotation) -> Arrays.stream(annotation.value()))
			.toList();
	}

}
