/** Image-classification folders (one subfolder per class): content-sniffed decoding, area resize, grayscale/RGB. */
package org.privmed.data.folder;
