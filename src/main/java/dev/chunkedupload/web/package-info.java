/**
 * Everything a user sees regardless of protocol: the uploads API (list, status, download,
 * delete), the pages (login, upload with "My uploads", flow.js, admin) with their
 * navigation and settings, and the error answers shared by them.
 */
package dev.chunkedupload.web;
