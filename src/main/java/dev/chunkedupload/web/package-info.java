/**
 * Everything a user sees regardless of protocol: the uploads API (list, status, download,
 * delete) and, later, the pages; plus the error answers shared by them.
 */
package dev.chunkedupload.web;
