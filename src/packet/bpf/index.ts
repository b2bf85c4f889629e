/**
 * evnet/packet/bpf: the classic BPF machine. Validate a program, run it in an interpreter,
 * compile it to a JavaScript function, and print it the way `tcpdump -d/-dd/-ddd` does.
 */
export {
  bpfToJsSource,
  type CompiledBpf,
  type CompiledBpfAt,
  compileBpfToJs,
  compileBpfToJsAt,
} from "./compile_js.js";
export { disassemble, disassembleC, disassembleDecimal, formatInstruction } from "./disassemble.js";
export { bpfRun } from "./interpret.js";
export * from "./opcodes.js";
export { BpfError, type BpfInstruction, type BpfProgram, jump, stmt } from "./program.js";
export { isValidOpcode, validateBpf } from "./validate.js";
