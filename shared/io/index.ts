// shared/io: opening and saving a model through a FileSystem the host provides (Node's in the
// CLI and Electron, the browser's files in the renderer), and the form a decoded model crosses
// a worker boundary in.
export {
  displayName, fromTransferable, openModelContents, openModelFile, readFolder, saveModelFile, serializeModel, toTransferable,
  type OpenedModel, type TransferableModel,
} from './document';
export { baseName, joinPath, nodeFileSystem, type DirEntry, type FileSystem, type NodeFsPromises } from './filesystem';
