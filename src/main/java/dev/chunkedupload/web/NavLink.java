package dev.chunkedupload.web;

/**
 * One link of the navigation bar that every page shows. A page adds itself to the bar by
 * declaring a {@code NavLink} bean; the layout lists them by {@code order}.
 *
 * @param id what a page passes to the layout's {@code nav(active)} fragment to be shown
 * as the current page
 * @param label the link text
 * @param path the target, relative to the context path
 * @param order where the link goes, lowest first
 * @param adminOnly whether only administrators see it
 */
public record NavLink(String id, String label, String path, int order, boolean adminOnly) {

}
