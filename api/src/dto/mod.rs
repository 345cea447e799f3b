//! Response and request bodies shared by several resources. A route module never imports
//! another route module: what two of them share lives here.

pub mod academy;
pub mod badges;
pub mod billing;
pub mod content;
pub mod course_orders;
pub mod courses;
pub mod decisions;
pub mod events;
pub mod learning;
pub mod me;
pub mod money;
