#pragma once
/// The `Msvm_Error` embedded instance that the job methods `GetError` and `GetErrorEx`
/// return (DESIGN §3 "Jobs"). Pure functions, safe from any thread.

#include "protocol/model.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace refpoint::protocol {

/// `CIM_Error.ErrorType` 4: Software Error.
inline constexpr std::uint16_t msvm_error_type_software = 4;
/// `CIM_Error.PerceivedSeverity` 5: Major ("action is needed now"), in the value map of
/// the `CIM_Error` version (2.22) that `Msvm_Error` derives from: 0 Unknown, 1 Other,
/// 2 Information, 3 Degraded/Warning, 4 Minor, 5 Major, 6 Critical, 7 Fatal/NonRecoverable.
inline constexpr std::uint16_t msvm_error_severity_major = 5;
/// `CIM_Error.ErrorSourceFormat` 2: CIMObjectHandle (an object path).
inline constexpr std::uint16_t msvm_error_source_object_path = 2;
/// `CIM_Error.CIMStatusCode` 1: CIM_ERR_FAILED.
inline constexpr std::uint32_t cim_err_failed = 1;

/// The error of `job` as an embedded `Msvm_Error` instance in CIM-XML (CIM-DTD 2.0, as
/// WMI's `GetText_(1)` writes it, without an XML declaration): one `INSTANCE` element
/// with `CLASSNAME="Msvm_Error"` holding, in this order,
///   ErrorType (uint16 4 Software Error) · OwningEntity (string "refpoint") ·
///   MessageID (string: `error_code` in decimal) · Message (string: `error_description`) ·
///   MessageArguments (string array, empty) · PerceivedSeverity (uint16 5 Major) ·
///   ProbableCause (uint16 0 Unknown) · ProbableCauseDescription (string: `error_summary`) ·
///   ErrorSource (string: the job's object path) · ErrorSourceFormat (uint16 2
///   CIMObjectHandle) · CIMStatusCode (uint32 1 CIM_ERR_FAILED).
/// Each is a `PROPERTY` (`PROPERTY.ARRAY` for MessageArguments) whose first attribute
/// is `NAME`, then `TYPE`; its value is one `VALUE` child (`VALUE.ARRAY` for the array).
/// A string that is empty is written as NULL (no `VALUE`). Text is XML-escaped; control
/// characters that XML 1.0 cannot carry (below U+0020 except tab, line feed and carriage
/// return) become U+FFFD.
/// nullopt unless `job.state` is `exception`: a job that did not fail has no error.
std::optional<std::string> msvm_error_xml(const job_record& job);

} // namespace refpoint::protocol
