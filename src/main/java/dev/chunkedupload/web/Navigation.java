package dev.chunkedupload.web;

import java.util.Comparator;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The links of the navigation bar, read by the layout template as
 * {@code @navigation.links()}.
 */
@Component("navigation")
public class Navigation {

	private final List<NavLink> links;

	Navigation(ObjectProvider<NavLink> links) {
		this.links = links.orderedStream().sorted(Comparator.comparingInt(NavLink::order)).toList();
	}

	/**
	 * Every link, in order; the layout hides the administrators' ones from others.
	 * @return the links
	 */
	public List<NavLink> links() {
		return this.links;
	}

}
