/** The upload feature's UI: the picker's upload control and options. */
export { UploadControl } from './UploadControl';
export { UploadedOptions, useUploadedBlurb } from './UploadedOptions';
